import type { OutgoingMessage } from '../../shared/messages/index.ts';
import { normalizeGreenApiRecipient } from '../../shared/messages/green-api.ts';
import { useUi } from '../store.ts';
import { diadocKeyOf } from './DiadocComposer.tsx';
import { marketKeyOf } from './MarketComposer.tsx';
import { pachcaKeyOf } from './PachcaComposer.tsx';

/** Puts a sent message back into its composer, as a fresh draft for the same recipient. */
export function openInComposer(message: OutgoingMessage): void {
  const ui = useUi.getState();
  switch (message.provider) {
    case 'greenapi': {
      const to = normalizeGreenApiRecipient(message.recipientType, message.to);
      ui.setComposer('greenapi', { recipient: { recipientType: message.recipientType, to }, body: { text: message.text }, boundKey: `${message.recipientType}:${to}` });
      break;
    }
    case 'pachca': {
      const recipient = { entityType: message.entityType, entityId: String(message.entityId) };
      ui.setComposer('pachca', { recipient, body: { content: message.content, buttons: message.buttons ?? [], files: [], parentMessageId: message.parentMessageId ? String(message.parentMessageId) : '', displayName: message.displayName ?? '', displayAvatarUrl: message.displayAvatarUrl ?? '', skipInviteMentions: !!message.skipInviteMentions, linkPreview: !!message.linkPreview }, boundKey: pachcaKeyOf(recipient) });
      break;
    }
    case 'market': {
      const recipient = { businessId: message.businessId, chatId: message.chatId };
      ui.setComposer('market', { recipient, body: { text: message.text ?? '', file: null }, boundKey: marketKeyOf(recipient) });
      break;
    }
    case 'diadoc': {
      // Files are handles of their moment; the operator attaches them again.
      const recipient = { fromBoxId: message.fromBoxId, toBoxId: message.toBoxId };
      ui.setComposer('diadoc', { recipient, body: { documents: [], isDraft: !!message.isDraft, lockPacket: !!message.lockPacket, delaySend: !!message.delaySend }, boundKey: diadocKeyOf(recipient) });
      break;
    }
  }
  ui.setView(message.provider);
}
