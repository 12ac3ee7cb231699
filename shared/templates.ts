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

const VAR = /\{\{\s*([\p{L}\p{N}_.-]{1,40})\s*\}\}/gu;

/** The distinct variable names in a text, in order of first appearance. */
export function templateVariables(text: string): string[] {
  return [...new Set([...text.matchAll(VAR)].map((m) => m[1]!))];
}

/** Replaces the variables that have a value; the others stay as `{{name}}` for the operator to see. */
export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(VAR, (whole, name: string) => (values[name] !== undefined && values[name] !== '' ? values[name] : whole));
}
