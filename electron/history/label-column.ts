import { previewLimits, recipientKinds, recipientOfKey, type RecipientLabel, type SendPreview } from '../../shared/send-labels.ts';
import type { ProviderId } from '../../shared/providers.ts';
import { previewOfText } from '../../shared/preview-text.ts';
import { storedJson } from '../stored-json.ts';

/**
 * The `label` column of a send: whom it went to and what it carried, as data (shared/send-labels.ts),
 * in one JSON text. It is read on every row of every history page (`npm run bench`), so it is
 * checked by hand, field by field, rather than through a schema.
 */
export interface SendLabel {
  to: RecipientLabel;
  preview: SendPreview;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function recipientOf(v: unknown): RecipientLabel | undefined {
  if (!isObject(v) || typeof v.id !== 'string') return undefined;
  const kind = recipientKinds.find((k) => k === v.kind);
  return kind ? { kind, id: v.id } : undefined;
}

function namesOf(v: unknown): string[] | undefined {
  if (!Array.isArray(v) || v.length > previewLimits.names) return undefined;
  const out: string[] = [];
  for (const n of v) {
    if (typeof n !== 'string') return undefined;
    out.push(n);
  }
  return out;
}

function previewOf(v: unknown): SendPreview | undefined {
  if (!isObject(v)) return undefined;
  if (v.kind === 'text') return typeof v.text === 'string' ? { kind: 'text', text: v.text } : undefined;
  if (v.kind !== 'files' && v.kind !== 'documents') return undefined;
  const names = namesOf(v.names);
  const count = v.count;
  if (!names || typeof count !== 'number' || !Number.isInteger(count) || count < 0) return undefined;
  return { kind: v.kind, count, names };
}

/** The column's text, or undefined when it is not a label this build can read. */
export function readLabel(text: unknown): SendLabel | undefined {
  const v = typeof text === 'string' ? storedJson(text) : undefined;
  if (!isObject(v)) return undefined;
  const to = recipientOf(v.to);
  const preview = previewOf(v.preview);
  return to && preview ? { to, preview } : undefined;
}

export function labelText(label: SendLabel): string {
  return JSON.stringify(label);
}

/**
 * What a row written before labels were data (schema 8 and older) stood for: its recipient key and
 * its English preview ("chat 334", "3 documents: Акт · Счёт", "📎 file") read back into their parts
 * (shared/preview-text.ts, which also reads old team rows). The message the row kept tells a file
 * send from a text that merely starts with a clip.
 */
export function legacyLabel(provider: ProviderId | (string & {}), recipient: string, preview: string, message: string): SendLabel {
  const sent = provider === 'diadoc' ? undefined : storedJson(message);
  return { to: recipientOfKey(provider, recipient), preview: previewOfText(provider, preview, { sent }) };
}
