import type { ProviderId } from './providers.ts';

/**
 * Whom a send went to and what it carried, as data: the screen and the OS notification put it
 * into words in the operator's language, so nothing English is stored for a Russian screen to show.
 * Plain types and functions only; the schema that reads them at the host's edge is in send-labels-schema.ts.
 */

/** Pachca and Market name a chat, user or thread by id; Diadoc a box; Green-API a chat address. */
export const recipientKinds = ['chat', 'user', 'thread', 'box', 'address'] as const;
export type RecipientKind = (typeof recipientKinds)[number];

export interface RecipientLabel {
  kind: RecipientKind;
  id: string;
}

export type SendPreview =
  /** The operator's own text, the first `previewLimits.text` characters of it. */
  | { kind: 'text'; text: string }
  /** Attachments without text; `names` may be fewer than `count` (a file whose name is gone). */
  | { kind: 'files'; count: number; names: string[] }
  /** Diadoc documents, each named by its comment, own number, file or type. */
  | { kind: 'documents'; count: number; names: string[] };

export const previewLimits = { text: 200, names: 20, name: 200 } as const;

/** The parts of a preview within its limits: a long text or a long list is cut, the count kept. */
export function textPreview(text: string): SendPreview {
  return { kind: 'text', text: text.slice(0, previewLimits.text) };
}
export function listPreview(kind: 'files' | 'documents', count: number, names: readonly string[]): SendPreview {
  const kept = names.filter((n) => n.trim()).slice(0, previewLimits.names);
  return { kind, count, names: kept.map((n) => n.slice(0, previewLimits.name)) };
}

const keyed: ReadonlySet<RecipientKind> = new Set(['chat', 'user', 'thread']);

/**
 * The recipient as the history, the directory and the team match sends by ("chat 334", a box id,
 * a phone address). Its form predates labels as data and stays, so old rows, the directory's labels
 * and team chat keys still meet; it is a key and is never shown as it is.
 */
export function recipientKey(to: RecipientLabel): string {
  return keyed.has(to.kind) ? `${to.kind} ${to.id}` : to.id;
}

const keyForm = /^(chat|user|thread) (\S+)$/;

/** The label a stored key stands for: rows written before labels were data, and team rows, keep only the key. */
export function recipientOfKey(provider: ProviderId | (string & {}), key: string): RecipientLabel {
  const m = provider === 'pachca' || provider === 'market' ? keyForm.exec(key) : null;
  const kind = m?.[1];
  if (m?.[2] && (kind === 'chat' || kind === 'user' || kind === 'thread')) return { kind, id: m[2] };
  return { kind: provider === 'diadoc' ? 'box' : 'address', id: key };
}

/**
 * A preview in no language, for a team row that every operator's desktop shows as it is ("📎 акт.pdf",
 * "📄 × 5: Акт · Счёт"): the team server keeps text, and operators of one team may read different languages.
 */
export function plainPreview(p: SendPreview): string {
  if (p.kind === 'text') return p.text;
  if (p.kind === 'files') return p.names.length ? p.names.map((n) => `📎 ${n}`).join(' ') : `📎 × ${p.count}`;
  return p.names.length ? `📄 × ${p.count}: ${p.names.join(' · ')}` : `📄 × ${p.count}`;
}
