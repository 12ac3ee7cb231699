// Only the type of the zod shape comes here, erased at build, so the renderer's bundle carries no schema.
export type { Template } from './template-schema.ts';

/** What a saved template may hold: the editor and the host's schema take the same numbers from here. */
export const templateLimits = { nameMax: 100, bodyMax: 20_000 } as const;

const VAR = /\{\{\s*([\p{L}\p{N}_.-]{1,40})\s*\}\}/gu;

/** The distinct variable names in a text, in order of first appearance. */
export function templateVariables(text: string): string[] {
  return [...new Set([...text.matchAll(VAR)].map((m) => m[1]!))];
}

/** Replaces the variables that have a value; the others stay as `{{name}}` for the operator to see. */
export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(VAR, (whole, name: string) => (values[name] !== undefined && values[name] !== '' ? values[name] : whole));
}
