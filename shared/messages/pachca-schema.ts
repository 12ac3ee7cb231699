import { z } from 'zod';
import { generous, ident, text } from '../bounds.ts';
import { pachcaEntityTypes, pachcaLimits } from './pachca.ts';

/** The shape the host parses a Pachca message with; its limits and rules live in pachca.ts. */
export const pachcaButtonSchema = z.object({
  text: text(pachcaLimits.buttonTextMax),
  url: text(generous.url).optional(),
  data: text(pachcaLimits.buttonDataMax).optional(),
});
export type PachcaButton = z.infer<typeof pachcaButtonSchema>;

export const pachcaMessageSchema = z.object({
  provider: z.literal('pachca'),
  entityType: z.enum(pachcaEntityTypes),
  entityId: z
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1),
  content: text(pachcaLimits.contentMax),
  // Rows and buttons are bounded by the whole message's count; the check names the per-row limit.
  buttons: z.array(z.array(pachcaButtonSchema).max(pachcaLimits.buttonsMax)).max(pachcaLimits.buttonsMax).optional(),
  /** Handle ids of the files to attach. */
  files: z.array(ident(generous.id)).max(generous.list).optional(),
  parentMessageId: z
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1)
    .optional(),
  displayName: text(pachcaLimits.displayMax).optional(),
  displayAvatarUrl: text(pachcaLimits.displayMax).optional(),
  skipInviteMentions: z.boolean().optional(),
  linkPreview: z.boolean().optional(),
});
export type PachcaMessage = z.infer<typeof pachcaMessageSchema>;
