import { z } from 'zod';
import { capped, generous } from './bounds.ts';
import { templateLimits } from './templates.ts';

/** Canned responses: text with `{{variables}}` the operator fills in before sending. */
export const templateSchema = z.object({
  id: capped(generous.id),
  name: capped(generous.label),
  body: capped(templateLimits.bodyMax),
  updatedAt: z.number(),
});
export type Template = z.infer<typeof templateSchema>;

export const templateInputSchema = z.object({
  id: z.string().max(64).optional(),
  name: z.string().trim().min(1).max(templateLimits.nameMax),
  body: z.string().min(1).max(templateLimits.bodyMax),
});
export type TemplateInput = z.infer<typeof templateInputSchema>;
