import { z } from 'zod';
import { capped, generous } from './bounds.ts';
import { errorKinds } from './error-kinds.ts';

/**
 * The one error model every layer speaks. Adapters map provider statuses and bodies into it;
 * the UI picks its words by `kind` and `reason` from the dictionary, and shows `providerText`
 * (the provider's own words, already redacted) underneath, so nothing above the adapters
 * parses provider JSON.
 */
export const sendErrorSchema = z.object({
  kind: z.enum(errorKinds),
  /** Plain English for logs and for the operator when the dictionary has nothing better. */
  message: capped(generous.words),
  /** A machine reason within the kind (e.g. `too_long`, `unknown_channel`), looked up in the dictionary. */
  reason: capped(generous.providerId).optional(),
  /** The message field the error concerns, as a dotted path of the composer's message (`text`, `buttons.0.2.url`). */
  field: capped(generous.providerId).optional(),
  /** A limit the input broke, for "4097 / 4096"-style messages. */
  limit: z.number().optional(),
  providerStatus: z.number().int().optional(),
  providerCode: capped(generous.providerId).optional(),
  /** The provider's own explanation, redacted and capped. */
  providerText: capped(generous.words).optional(),
  /** The file an error is about (a file changed since it was attached), named as the operator attached it. */
  fileName: capped(generous.label).optional(),
  /** For `rate_limited` and retryable waits: when the provider will accept again (epoch ms). */
  retryAt: z.number().optional(),
  /** Another program holding the history database ("name (pid N)"), when a write failed on its lock. */
  holder: capped(generous.label).optional(),
});
export type SendError = z.infer<typeof sendErrorSchema>;

/** Turns zod issues into one `invalid` error naming the first offending field. */
export function invalidFromZod(issues: readonly z.core.$ZodIssue[]): SendError {
  const first = issues[0];
  const field = first ? first.path.map(String).join('.') : undefined;
  let reason = 'invalid_value';
  let limit: number | undefined;
  if (first?.code === 'too_big') {
    reason = 'too_long';
    limit = Number(first.maximum);
  } else if (first?.code === 'too_small') {
    reason = Number(first.minimum) <= 1 ? 'required' : 'too_short';
    limit = Number(first.minimum);
  } else if (first?.code === 'invalid_type' && first.input === undefined) {
    reason = 'required';
  } else if (first?.code === 'custom' && typeof first.params?.reason === 'string') {
    reason = first.params.reason;
    if (typeof first.params.limit === 'number') limit = first.params.limit;
  } else if (first?.code === 'invalid_format') {
    reason = 'bad_format';
  }
  return {
    kind: 'invalid',
    message: first ? `${field || 'input'}: ${first.message}` : 'Invalid input',
    reason,
    ...(field ? { field } : {}),
    ...(limit !== undefined && Number.isFinite(limit) ? { limit } : {}),
  };
}
