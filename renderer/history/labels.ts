import type { ProviderId } from '../../shared/providers.ts';
import type { Translate } from '../i18n/index.ts';

/*
 * History rows keep the recipient and preview the main process wrote when the send was made
 * ("chat 334", "40 documents: …"), and search runs over those words. Until they are stored as
 * data, the screen rebuilds them in the operator's language from the parts they are made of.
 */

const kindAndId = /^(chat|user|thread) (\S+)$/;

/** "chat 334" as "чат 334": the kind of recipient in words, the id as it is. */
export function recipientLabel(t: Translate, provider: ProviderId, recipient: string): string {
  // Only Pachca and Market name their recipients this way; elsewhere it is an address.
  const m = provider === 'pachca' || provider === 'market' ? kindAndId.exec(recipient) : null;
  if (!m?.[1] || !m[2]) return recipient;
  const kind = m[1] as 'chat' | 'user' | 'thread';
  return t(`recipient.${kind}`, { id: m[2] });
}

const documentsPreview = /^(\d+) documents?: /;
const unnamedFile = '📎 file';

/** "40 documents: Акт · Счёт" as "40 документов: Акт · Счёт"; an unnamed attachment in words. */
export function previewLabel(t: Translate, provider: ProviderId, preview: string): string {
  // Other providers' previews are the operator's own text, never rewritten.
  if (provider === 'market' && preview === unnamedFile) return `📎 ${t('preview.file')}`;
  const m = provider === 'diadoc' ? documentsPreview.exec(preview) : null;
  if (!m?.[1]) return preview;
  return `${t('count.documents', { count: Number(m[1]) })}: ${preview.slice(m[0].length)}`;
}
