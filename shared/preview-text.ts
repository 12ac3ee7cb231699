import { previewLimits, type SendPreview } from './send-labels.ts';

/*
 * Previews that were stored as text, read back into data (shared/send-labels.ts). Two kinds of text
 * are out there: the English one desktops stored before schema 9 and sent to the team in the first
 * team-mode builds ("3 documents: Акт · Счёт", "📎 file"), and the language-free one team rows carried
 * after that (plainPreview: "📄 × 3: Акт · Счёт", "📎 × 3", "📎 акт.pdf 📎 счёт.pdf"). The history's
 * migration 9 and the team view read them with this one parser.
 */

const clip = '📎 ';

function kept(names: readonly string[]): string[] {
  return names.filter(Boolean).slice(0, previewLimits.names);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function documentsOf(text: string): SendPreview | undefined {
  const m = /^(\d+) documents?: ([\s\S]*)$/.exec(text) ?? /^📄 × (\d+)(?:: ([\s\S]*))?$/.exec(text);
  if (m?.[1] === undefined) return undefined;
  return { kind: 'documents', count: Number(m[1]), names: kept((m[2] ?? '').split(' · ')) };
}

/**
 * What a stored preview text stood for. A history row hands over the message it kept (`{ sent }`):
 * only that tells a file send from an operator's text that merely starts with a clip. A team row has
 * no message (`'team row'`): there the form of the text decides, as the desktop that sent it wrote it.
 */
export function previewOfText(provider: string, text: string, evidence: { sent: unknown } | 'team row'): SendPreview {
  const asText: SendPreview = { kind: 'text', text };
  if (provider === 'diadoc') return documentsOf(text) ?? asText;
  if (!text.startsWith(clip)) return asText;
  const rest = text.slice(clip.length);
  if (evidence === 'team row') {
    const counted = /^× (\d+)$/.exec(rest);
    if (counted?.[1] !== undefined) return { kind: 'files', count: Number(counted[1]), names: [] };
    const names = rest === 'file' ? [] : kept(rest.split(` ${clip}`));
    return { kind: 'files', count: Math.max(1, names.length), names };
  }
  const field = (name: string): unknown => (isRecord(evidence.sent) ? evidence.sent[name] : undefined);
  if (provider === 'market' && field('kind') === 'file') return { kind: 'files', count: 1, names: rest === 'file' ? [] : [rest] };
  const content = field('content');
  const files = field('files');
  if (provider === 'pachca' && typeof content === 'string' && !content.trim() && Array.isArray(files))
    return { kind: 'files', count: files.length, names: kept(rest.split(` ${clip}`)) };
  return asText;
}
