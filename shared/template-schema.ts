import { z } from 'zod';
import { capped, generous } from './bounds.ts';

/** Canned responses: text with `{{variables}}` the operator fills in before sending. */
export const templateSchema = z.object({
  id: capped(generous.id),
  name: capped(generous.label),
  body: capped(20_000),
  updatedAt: z.number(),
});
export type Template = z.infer<typeof templateSchema>;

export const templateInputSchema = z.object({
  id: z.string().max(64).optional(),
  name: z.string().trim().min(1).max(100),
  body: z.string().min(1).max(20_000),
});
export type TemplateInput = z.infer<typeof templateInputSchema>;
