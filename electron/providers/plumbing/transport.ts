import type { SendError } from '../../../shared/errors.ts';
import type { Exchange } from '../../../shared/sends.ts';
import type { HttpOutcome } from '../http.ts';
import type { AttemptResult } from '../types.ts';

/** How soon a request that could not connect is tried again (it provably never arrived, so a repeat is safe). */
export const NOT_REACHED_RETRY_MS = 2_000;

type NoAnswer = Extract<HttpOutcome, { ok: false }>;

/**
 * A request that got no HTTP answer. When it never left this machine, the provider cannot have
 * created anything: a cause that does not mend by waiting (DNS, TLS certificate, a header value
 * HTTP cannot carry) is `failed` at once with the cause named; a refused or unreachable connection
 * is repeated, and the outbox turns it into `failed` after its cap. When the request may have
 * arrived (timeout, connection lost), only the operator may decide, unless the provider makes a
 * repeat harmless (`whenUnsure`, Diadoc's operationId).
 */
export function transportResult(
  out: NoAnswer,
  now: number,
  exchanges: Exchange[] = [out.exchange],
  whenUnsure?: (out: NoAnswer) => AttemptResult,
): AttemptResult {
  if (out.reached === 'not_reached') {
    if (out.local === 'connect') return { kind: 'retry', error: out.error, retryAt: now + NOT_REACHED_RETRY_MS, exchanges };
    return { kind: 'failed', error: out.error, exchanges };
  }
  return whenUnsure?.(out) ?? { kind: 'unknown', error: out.error, exchanges };
}

/**
 * A 5xx answer to the request that creates the message. A gateway (502, 504) or a server that
 * fails after writing may have created it, and none of Green-API, Pachca and Market offers a key
 * that would make a repeat harmless, so the operator decides, warned, with the provider's words kept.
 */
export function serverErrorResult(error: SendError, exchanges: Exchange[], provider: string): AttemptResult {
  return {
    kind: 'unknown',
    exchanges,
    error: {
      ...error,
      kind: 'outcome_unknown',
      reason: 'server_error',
      message: `${error.message} ${provider} may have created the message all the same; check the chat before sending again.`,
    },
  };
}
