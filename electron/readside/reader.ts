import type { ConversationItem } from '../../shared/recipients.ts';
import type { OutgoingMessage } from '../../shared/messages/index.ts';
import type { Attempt, Exchange } from '../../shared/sends.ts';
import type { AdapterAccount, AttemptResult } from '../providers/types.ts';
import type { DirectoryEntry } from './directory-store.ts';
import type { ReadClient } from './read-client.ts';

export interface ReaderContext {
  account: AdapterAccount;
  client: ReadClient;
  /** The directory's name for a target, for authors of a conversation. */
  nameOf(target: string): string | undefined;
}

/** A message the provider holds that matches a send: its id and time there. */
export interface Evidence {
  providerMessageId: string;
  at: number;
}

/** What a send looked like, for matching it against the provider's record. */
export interface SendToMatch {
  message: OutgoingMessage;
  /** When its attempt started: a match must not be older (minus clock skew). */
  startedAt: number;
  /** File names of the send, when it had files. */
  fileNames: string[];
  /** Provider ids other sends already claimed: two identical texts are two messages. */
  claimed: ReadonlySet<string>;
  /** When this look began, on the app's clock. */
  now: number;
  /** The idempotency key every attempt carried (Diadoc's operationId); '' when none was recorded. */
  operationId: string;
  /** What each attempt sent and heard, for a reader that must know whether the provider took the operation. */
  attempts: readonly Attempt[];
  /** A file's name by its handle, when it is still registered. */
  fileName: (id: string) => string | undefined;
  /**
   * The send's own request again, with the same idempotency key, for a provider that answers a
   * repeated key with its first result; undefined when it cannot be repeated as it was (a file
   * changed since it was attached). Recorded nowhere: only the reader's verdict is kept.
   */
  repeat?: () => Promise<AttemptResult | undefined>;
}

/**
 * What a look found: the message (`Evidence`), nothing yet (`undefined`), the provider still working
 * on it (look again at `lookAgainAt`), or `cannot_tell` when this send cannot be looked up at all.
 */
export type Verdict = Evidence | undefined | { lookAgainAt: number } | 'cannot_tell';

export interface EditResult {
  exchange: Exchange;
}

/**
 * One provider's read side in the main process. A reader that lacks a method says so by leaving
 * it out; `supports` is false where the provider (or the account's form) has no read methods.
 */
export interface ProviderReader {
  supports(account: AdapterAccount): boolean;
  directory(ctx: ReaderContext): AsyncGenerator<DirectoryEntry[]>;
  /** A counterparty by INN (and KPP) where the provider can look one up beyond the directory. */
  lookup?(ctx: ReaderContext, text: string): Promise<DirectoryEntry[]>;
  /** The last messages with `target`, oldest first. */
  conversation?(ctx: ReaderContext, target: string): Promise<ConversationItem[]>;
  /** The target a send went to, as the directory names it. */
  targetOf(message: OutgoingMessage): string;
  /** How long a new message may take to appear in the provider's lists (the sheets' read-after-write). */
  readAfterWriteMs: number;
  evidence?(ctx: ReaderContext, send: SendToMatch): Promise<Verdict>;
  edit?: (ctx: ReaderContext, message: OutgoingMessage, providerMessageId: string, text: string) => Promise<EditResult>;
  remove?: (ctx: ReaderContext, message: OutgoingMessage, providerMessageId: string) => Promise<EditResult>;
}

/** Texts are compared as the providers may return them: line ends and outer spaces normalised. */
export function sameText(a: string, b: string): boolean {
  const n = (s: string) => s.replace(/\r\n?/g, '\n').trim();
  return n(a) === n(b);
}

/** Clock skew allowed between our send start and the provider's timestamp. */
export const SKEW_MS = 60_000;
