import type { RecipientLabel, SendPreview } from '../../shared/send-labels.ts';
import type { Translate } from '../i18n/index.ts';

/*
 * The history keeps whom a send went to and what it carried as data (shared/send-labels.ts);
 * these put it into the operator's language. The operator's own text and file names stay as written.
 */

/** A chat, user or thread by its kind in words ("чат 334"); a box or an address as it is. */
export function recipientLabel(t: Translate, to: RecipientLabel): string {
  if (to.kind === 'chat' || to.kind === 'user' || to.kind === 'thread') return t(`recipient.${to.kind}`, { id: to.id });
  return to.id;
}

/** The text itself; files by their names (or counted when unnamed); documents counted, then named. */
export function previewLabel(t: Translate, preview: SendPreview): string {
  if (preview.kind === 'text') return preview.text;
  if (preview.kind === 'documents') {
    const count = t('count.documents', { count: preview.count });
    return preview.names.length ? `${count}: ${preview.names.join(' · ')}` : count;
  }
  if (preview.names.length) return preview.names.map((n) => `📎 ${n}`).join(' ');
  return `📎 ${preview.count === 1 ? t('preview.file') : t('count.files', { count: preview.count })}`;
}
