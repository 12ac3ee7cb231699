import type { SendError } from '../../../shared/errors.ts';
import type { Exchange } from '../../../shared/sends.ts';
import type { AttemptResult } from '../types.ts';

/** How one provider's pace refusals (429, Market's 420) are waited out. */
export interface BackoffPolicy {
  /** The first wait when the provider names none; it doubles with every refusal in a row. */
  baseMs: number;
  /** No wait is shorter, whatever the provider says (`Retry-After: 0` is not "at once"). */
  floorMs: number;
  /** No wait is longer; a provider's stated wait beyond it is cut to it. */
  maxMs: number;
  /** Refusals in a row after which the send stops: persisting can get a token restricted (pachca.md §7). */
  cap: number;
}

/** Jitter as the Pachca sheet documents it (0.5–1.5): sends refused together do not come back together. */
function jittered(ms: number, random: () => number): number {
  return Math.round(ms * (0.5 + random()));
}

/**
 * A pace refusal: wait the longest of the floor, the provider's own wait (Retry-After or Market's
 * X-RateLimit-Resource-Until) and an exponential backoff with jitter, counted from the refusals
 * this send met in a row; stop with `failed` once the cap is reached. A pace refusal comes before
 * any processing, so the message certainly does not exist and `failed` is the truth.
 */
export function rateLimitedResult(opts: {
  provider: string;
  error: SendError;
  exchanges: Exchange[];
  now: number;
  /** Epoch ms the provider named, if any. */
  providerWaitUntil?: number;
  /** Pace refusals this send met in a row before this one. */
  before: number;
  random: () => number;
  policy: BackoffPolicy;
}): AttemptResult {
  const { provider, error, exchanges, now, before, policy } = opts;
  if (before >= policy.cap)
    return {
      kind: 'failed',
      exchanges,
      error: {
        ...error,
        kind: 'rate_limited',
        reason: 'rate_limit_cap',
        limit: policy.cap,
        message: `${provider} refused the pace ${before + 1} times in a row; the send stopped so that the token is not restricted. Nothing was sent; send it again later.`,
      },
    };
  const backoff = jittered(policy.baseMs * 2 ** before, opts.random);
  const stated = opts.providerWaitUntil !== undefined ? opts.providerWaitUntil - now : 0;
  const wait = Math.min(policy.maxMs, Math.max(policy.floorMs, stated, backoff));
  const retryAt = now + wait;
  return { kind: 'retry', retryAt, exchanges, error: { ...error, kind: 'rate_limited', retryAt } };
}
