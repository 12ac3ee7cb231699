import type { SendDetail } from '../../shared/contract.ts';
import { fileIdsOf } from '../../shared/messages/index.ts';
import { normalizeGreenApiRecipient } from '../../shared/messages/green-api.ts';
import type { FileHandle } from '../../shared/sends.ts';
import { useUi } from '../store.ts';
import type { DocDraft } from './DiadocDocumentCard.tsx';
import { diadocKeyOf, fromDocument } from './DiadocComposer.tsx';
import { marketKeyOf } from './MarketComposer.tsx';
import { pachcaKeyOf } from './PachcaComposer.tsx';

/**
 * Puts a message from history back into its composer, as a fresh draft for the same recipient,
 * with every file that is still on disk as it was sent. Answers how many files could not come
 * back (moved, deleted or changed since), so the operator is told to attach those again. With
 * `edit`, a scheduled send opens for editing: what the composer then sends takes its place.
 */
export function openInComposer(
  detail: Pick<SendDetail, 'id' | 'status' | 'scheduledAt' | 'message' | 'files'>,
  opts: { edit?: boolean } = {},
): { missingFiles: number } {
  const { message } = detail;
  const ui = useUi.getState();
  // Editing keeps the link to the scheduled send; a plain reopen is a new message and drops any old link.
  ui.setEditing(
    message.provider,
    opts.edit && detail.status === 'scheduled' && detail.scheduledAt ? { sendId: detail.id, scheduledAt: detail.scheduledAt } : undefined,
  );
  const available = new Map<string, FileHandle>((detail.files ?? []).map((f) => [f.id, f]));
  const missingFiles = fileIdsOf(message).filter((id) => !available.has(id)).length;
  switch (message.provider) {
    case 'greenapi': {
      const to = normalizeGreenApiRecipient(message.recipientType, message.to);
      ui.setComposer('greenapi', {
        recipient: { recipientType: message.recipientType, to },
        body: { text: message.text },
        boundKey: `${message.recipientType}:${to}`,
      });
      break;
    }
    case 'pachca': {
      const recipient = { entityType: message.entityType, entityId: String(message.entityId) };
      const files = (message.files ?? []).flatMap((id) => available.get(id) ?? []);
      ui.setComposer('pachca', {
        recipient,
        body: {
          content: message.content,
          buttons: message.buttons ?? [],
          files,
          parentMessageId: message.parentMessageId ? String(message.parentMessageId) : '',
          displayName: message.displayName ?? '',
          displayAvatarUrl: message.displayAvatarUrl ?? '',
          skipInviteMentions: !!message.skipInviteMentions,
          linkPreview: !!message.linkPreview,
        },
        boundKey: pachcaKeyOf(recipient),
      });
      break;
    }
    case 'market': {
      const recipient = { businessId: message.businessId, chatId: message.chatId };
      ui.setComposer('market', {
        recipient,
        body: { text: message.text ?? '', file: (message.file && available.get(message.file)) ?? null },
        boundKey: marketKeyOf(recipient),
      });
      break;
    }
    case 'diadoc': {
      const recipient = { fromBoxId: message.fromBoxId, toBoxId: message.toBoxId };
      // A document whose file is gone cannot come back; one whose signature is gone comes back unsigned, and the count says so.
      const documents: DocDraft[] = message.documents.flatMap((d) => {
        const file = available.get(d.file);
        return file ? [fromDocument(d, file, d.signatureFile ? available.get(d.signatureFile) : undefined)] : [];
      });
      ui.setComposer('diadoc', {
        recipient,
        body: { documents, isDraft: !!message.isDraft, lockPacket: !!message.lockPacket, delaySend: !!message.delaySend },
        boundKey: diadocKeyOf(recipient),
      });
      break;
    }
  }
  ui.setView(message.provider);
  return { missingFiles };
}
