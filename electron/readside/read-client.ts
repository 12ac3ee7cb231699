import { type SendError } from '../../shared/errors.ts';
import { OperatorError, sendError } from '../../shared/operator-error.ts';
import type { Exchange } from '../../shared/sends.ts';
import type { Clock } from '../clock.ts';
import type { RateLimiter } from '../outbox/limiter.ts';
import { excerpt, httpExchange, parseJson, retryAtFrom, type HttpFetch } from '../providers/http.ts';
import type { AdapterAccount, RateRule } from '../providers/types.ts';

export interface ReadRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** The provider's pace for this method (sheet's read-limit table), shared with the sends' limiter. */
  rules: RateRule[];
  /** The URL as a record may show it (Green-API keeps its token in the path). */
  displayUrl?: string;
}

export interface ReadAnswer {
  status: number;
  body: unknown;
  exchange: Exchange;
}

/** A provider's refusal of a read, in the one failure vocabulary. */
export function readRefusal(status: number, text: string, secrets: readonly string[]): SendError {
  const words = excerpt(text, secrets);
  const kind =
    status === 401
      ? 'unauthorized'
      : status === 403
        ? 'forbidden'
        : status === 404
          ? 'not_found'
          : status === 402
            ? 'payment_required'
            : 'provider_error';
  return sendError(kind, `The provider refused the read (${status}).`, {
    providerStatus: status,
    reason: 'read_refused',
    ...(words ? { providerText: words } : {}),
  });
}

/** How long the read side's main-thread work waits behind sends that stay under way without a break. */
const STEP_ASIDE_MAX_MS = 2000;

/** How long a read waits for a provider's "not before" before it gives up and says so. */
const MAX_BACKOFF_MS = 60_000;

/**
 * Every read call of the read side (directories, conversations, evidence, edits) goes through
 * here: it takes its turn in the same rate limiter as the sends, and steps aside while a send of
 * the same account waits to leave or is on its way, so a directory refresh never delays a send.
 */
export class ReadClient {
  private readonly limiter: RateLimiter;
  /** Is a send (of this account, or of any without one) waiting to leave or on its way? */
  private readonly sendActive: (accountId?: string) => boolean;
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly fetch: HttpFetch | undefined;
  /** Since when some send has been under way without a break, as `stepAside` last saw it. */
  private sendsSince: number | undefined;

  constructor(d: {
    limiter: RateLimiter;
    sendActive: (accountId?: string) => boolean;
    clock: Clock;
    timeoutMs?: number;
    fetch?: HttpFetch;
  }) {
    this.fetch = d.fetch;
    this.limiter = d.limiter;
    this.sendActive = d.sendActive;
    this.clock = d.clock;
    this.timeoutMs = d.timeoutMs ?? 15_000;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.setTimer(resolve, ms));
  }

  /**
   * Waits until no send is waiting to leave or on its way (of any account), then gives whatever the
   * event loop holds (a send's answer, an operator's click) its turn first. Work the read side does on
   * the main thread (storing a directory page) waits here, so it never holds up a send. A send that
   * stays under way for long (a shelf upload of minutes, one waiting for an hourly quota) holds that
   * work back for `STEP_ASIDE_MAX_MS` only: then it goes on in its small pieces.
   */
  async stepAside(): Promise<void> {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!this.sendActive()) {
        this.sendsSince = undefined;
        return;
      }
      const now = this.clock.monotonic();
      this.sendsSince ??= now;
      if (now - this.sendsSince >= STEP_ASIDE_MAX_MS) return;
      await this.sleep(20);
    }
  }

  /** Waits until no send of the account is pending and every rule has room; then counts the request. */
  async turn(accountId: string, rules: readonly RateRule[]): Promise<void> {
    for (;;) {
      if (this.sendActive(accountId)) {
        await this.sleep(20);
        continue;
      }
      const wait = this.limiter.waitMs(rules);
      if (wait > 0) {
        await this.sleep(wait);
        continue;
      }
      this.limiter.take(rules);
      return;
    }
  }

  /** One read, repeated after the provider's own "too many" (429, Market's 420) when the wait is short. */
  async call(account: AdapterAccount, req: ReadRequest): Promise<ReadAnswer> {
    const secrets = [account.secrets.token, account.secrets.clientId].filter((s): s is string => !!s);
    for (let attempt = 0; ; attempt++) {
      await this.turn(account.id, req.rules);
      const out = await httpExchange(
        { method: req.method, url: req.url, headers: req.headers, ...(req.body !== undefined ? { body: req.body } : {}) },
        { secrets, fetch: this.fetch, timeoutMs: this.timeoutMs, ...(req.displayUrl ? { displayUrl: req.displayUrl } : {}) },
      );
      if (!out.ok)
        throw new OperatorError({ ...out.error, kind: 'network', message: 'The provider could not be read: the connection failed.' });
      if (out.status === 429 || out.status === 420) {
        const now = this.clock.now();
        const until = out.headers.get('x-ratelimit-resource-until');
        const at = until && !Number.isNaN(Date.parse(until)) ? Date.parse(until) : retryAtFrom(out.headers, now, 1000 * 2 ** attempt);
        this.limiter.block(req.rules, at);
        if (at - now > MAX_BACKOFF_MS || attempt >= 3)
          throw new OperatorError(
            sendError('rate_limited', 'The provider asks to slow down; the list will be read again later.', {
              providerStatus: out.status,
              retryAt: at,
              reason: 'read_paced',
            }),
          );
        continue;
      }
      if (out.status >= 400) throw new OperatorError(readRefusal(out.status, out.text, secrets));
      return { status: out.status, body: out.text ? parseJson(out.text) : undefined, exchange: out.exchange };
    }
  }
}
