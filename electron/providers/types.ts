import type { HttpFetch } from './http.ts';
import type { AccountSettings } from '../../shared/accounts.ts';
import type { FieldProblem } from '../../shared/messages/problems.ts';
import type { SendError } from '../../shared/errors.ts';
import type { ProviderId } from '../../shared/providers.ts';
import type { RecipientLabel, SendPreview } from '../../shared/send-labels.ts';
import type { Exchange } from '../../shared/sends.ts';

/** The account as an adapter needs it: settings plus decrypted secrets. Never leaves the main process. */
export interface AdapterAccount {
  id: string;
  baseUrl: string;
  settings: AccountSettings;
  secrets: { token?: string; clientId?: string };
}

/** A file the main process registered; adapters stream it from `path`, never hold it whole. */
export interface LocalFile {
  id: string;
  path: string;
  name: string;
  size: number;
  type: string;
  sha256: string;
}

/** Small records an adapter keeps for one send across attempts and restarts (the history database's state table). */
export interface AdapterJournal {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

export interface AdapterContext {
  account: AdapterAccount;
  /** Resolves a handle id the renderer referred to; throws `invalid` for an unknown handle. */
  file: (id: string) => LocalFile;
  /** Diadoc's operationId: chosen when the send was stored, the same on every attempt. */
  idempotencyKey: string;
  /** Upload progress in bytes over the whole send. */
  onProgress?: (sent: number, total: number) => void;
  /** Per-request timeout; on expiry the outcome is unknown unless the request provably never left. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** The HTTP stack to use; Node's `fetch` when absent (tests, the harness). */
  fetch?: HttpFetch;
  now: () => number;
  /** Pace refusals (429, Market's 420) this send met in a row before this attempt; the backoff grows with it. */
  rateLimitedBefore?: number;
  /** The jitter's source, in [0, 1); tests fix it. */
  random?: () => number;
  /** Where progress that must survive a crash is written (Diadoc's shelf parts); in memory when absent. */
  journal?: AdapterJournal;
}

/**
 * One attempt's result. `retry` means a repeat cannot duplicate the message (the provider said
 * "not yet" or "too fast", the request never reached it, or the method is idempotent by key);
 * `unknown` means it might have been accepted and only the operator may decide to repeat it.
 */
export type AttemptResult =
  | { kind: 'sent'; providerMessageId: string; exchanges: Exchange[] }
  | { kind: 'failed'; error: SendError; exchanges: Exchange[] }
  | { kind: 'retry'; error: SendError; retryAt: number; exchanges: Exchange[] }
  | { kind: 'unknown'; error: SendError; exchanges: Exchange[] };

export interface ProviderAdapter<M> {
  provider: ProviderId;
  /** True when a repeat with the same idempotency key cannot create a second message. */
  idempotent: boolean;
  /** Checks every rule the provider documents; `[]` when the message may go. */
  check(message: M, account: AdapterAccount, file?: (id: string) => LocalFile): FieldProblem[];
  send: (ctx: AdapterContext, message: M) => Promise<AttemptResult>;
  /** A read-only call that proves the credentials work, where the provider has one. */
  checkConnection?(ctx: AdapterContext): Promise<{ ok: boolean; reason: string; detail?: string }>;
  /** The provider's documented pace for this message, enforced before the provider refuses. */
  rateRules?(message: M, account: AdapterAccount): RateRule[];
  /** What history lists show (recipient and preview, as data) and what search indexes. */
  describe(message: M, file?: (id: string) => LocalFile): { to: RecipientLabel; preview: SendPreview; searchText: string };
}

/** A pace rule for one key (per token and method, or per chat): at most `limit` requests per `windowMs`. */
export interface RateRule {
  key: string;
  limit: number;
  windowMs: number;
}
