/**
 * What went wrong, in the words every layer shares: adapters choose one, the host parses it with the
 * error schema (errors.ts), and the renderer words it from the dictionary. Plain data, so the
 * renderer takes the list without the schema.
 */
export const errorKinds = [
  'invalid',
  'unauthorized',
  'forbidden',
  'payment_required',
  'not_found',
  'conflict',
  'too_large',
  'rate_limited',
  'provider_error',
  'network',
  'outcome_unknown',
] as const;
export type ErrorKind = (typeof errorKinds)[number];
