import type { SendError } from '../../../shared/errors.ts';
import type { FieldProblem } from '../../../shared/messages/problems.ts';

/**
 * A broken composer rule as a `SendError`, the same for every adapter and the outbox: too big is
 * `too_large`, anything else `invalid`, the field, reason and limit kept for the dictionary. A
 * provider may pass its own English words; the default names the field and the reason.
 */
export function problemToError(p: FieldProblem, words?: (p: FieldProblem) => string): SendError {
  return {
    kind: p.reason.endsWith('too_big') ? 'too_large' : 'invalid',
    reason: p.reason,
    field: p.field,
    message: words?.(p) ?? `${p.field}: ${p.reason}${p.limit !== undefined ? ` (limit ${p.limit})` : ''}`,
    ...(p.limit !== undefined ? { limit: p.limit } : {}),
  };
}
