import type { SendError } from '../../../shared/errors.ts';

/** What a provider answer means for the operator: the error kind, a dictionary reason, and plain English. */
export interface StatusMeaning {
  kind: SendError['kind'];
  reason: string;
  message: string;
}

/** The kind of an HTTP status the same for every provider; only the words differ. */
export function kindOfStatus(status: number): SendError['kind'] {
  if (status === 400 || status === 415 || status === 422) return 'invalid';
  if (status === 401) return 'unauthorized';
  if (status === 402) return 'payment_required';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not_found';
  if (status === 409 || status === 423) return 'conflict';
  if (status === 413) return 'too_large';
  if (status === 420 || status === 429 || status === 466) return 'rate_limited';
  return 'provider_error';
}

/**
 * One status table for every adapter: each provider passes its own words for the statuses it
 * documents (kept in its own file), and every other status gets the common kind and a plain
 * "<provider> answered <status>".
 */
export function meaningOfStatus(
  status: number,
  provider: string,
  words: Readonly<Record<number, Partial<StatusMeaning> & { message: string }>> = {},
): StatusMeaning {
  const own = words[status];
  return {
    kind: own?.kind ?? kindOfStatus(status),
    reason: own?.reason ?? 'provider_generic',
    message: own?.message ?? `${provider} answered ${status}.`,
  };
}
