import type { OutgoingMessage } from '../../shared/messages/index.ts';
import { normalizeGreenApiRecipient } from '../../shared/messages/green-api.ts';
import { useUi } from '../store.ts';

/** Puts a sent message back into its composer, as a fresh draft for the same recipient. */
export function openInComposer(message: OutgoingMessage): void {
  const ui = useUi.getState();
  switch (message.provider) {
    case 'greenapi': {
      const to = normalizeGreenApiRecipient(message.recipientType, message.to);
      ui.setComposer('greenapi', { recipient: { recipientType: message.recipientType, to }, body: { text: message.text }, boundKey: `${message.recipientType}:${to}` });
      break;
    }
    default:
      ui.setComposer(message.provider, { recipient: {}, body: {} });
  }
  ui.setView(message.provider);
}
