import { characterCount } from './characters.ts';
import type { GreenApiMessage } from './green-api-schema.ts';
import type { FieldProblem } from './problems.ts';

// Only the types of the zod shape come here, erased at build, so the composer's bundle carries no schema.
export type { GreenApiMessage } from './green-api-schema.ts';

/**
 * A Green-API text message as the composer produces it. One shape serves both connection
 * forms of the provider; the account's form decides the wire format. Both take 4096 characters
 * (code points): v1 `text.body` ≤ 4096 (green-api.md §3); the current `sendMessage` page says
 * 20 000 but its older revision 4096 and §9 q5 leaves it open, so the stricter reading holds.
 */
export const greenApiForms = ['v1', 'instance'] as const;
export type GreenApiForm = (typeof greenApiForms)[number];

export const greenApiLimits = {
  textMax: { v1: 4096, instance: 4096 } satisfies Record<GreenApiForm, number>,
} as const;

/** v1 individual ids are the full international number, digits only, no `+` (green-api.md §4). */
export const individualIdPattern = /^\d{7,15}$/;
/** Old-style `<digits>-<digits>` groups, and new-style long numeric group ids (instance form only). */
export const groupIdPatternV1 = /^\d{7,15}-\d{6,12}$/;
export const groupIdPatternInstance = /^(\d{7,15}-\d{6,12}|\d{15,20})$/;

/** Strips what operators paste around a number (`+`, spaces, dashes in phones, a `@c.us` suffix). */
export function normalizeGreenApiRecipient(recipientType: GreenApiMessage['recipientType'], raw: string): string {
  const trimmed = raw.trim().replace(/@(c|g)\.us$/, '');
  if (recipientType === 'individual') return trimmed.replace(/^\+/, '').replace(/[\s()-]/g, '');
  return trimmed.replace(/\s/g, '');
}

/** Every rule the composer shows live and the host enforces again before anything is sent. */
export function checkGreenApiMessage(msg: GreenApiMessage, form: GreenApiForm): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const to = normalizeGreenApiRecipient(msg.recipientType, msg.to);
  if (!to) problems.push({ field: 'to', reason: 'required' });
  else if (msg.recipientType === 'individual' && !individualIdPattern.test(to)) problems.push({ field: 'to', reason: 'bad_phone' });
  else if (msg.recipientType === 'group' && !(form === 'v1' ? groupIdPatternV1 : groupIdPatternInstance).test(to))
    problems.push({ field: 'to', reason: 'bad_group_id' });
  const max = greenApiLimits.textMax[form];
  if (msg.text.trim().length === 0) problems.push({ field: 'text', reason: 'required' });
  else if (characterCount(msg.text) > max) problems.push({ field: 'text', reason: 'too_long', limit: max });
  return problems;
}
