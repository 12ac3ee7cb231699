import type { TeamSendRow } from '../../electron/team/link.ts';

let seq = 0;

/** A Pachca send's team summary as a desktop's uplink would push it, with a fresh id each call. */
export const sendRow = (over: Partial<TeamSendRow> = {}): TeamSendRow => {
  const now = Date.now();
  const chat = over.chat ?? 'pachca|sandbox||discussion 1';
  return {
    id: `s${++seq}x${now}`,
    provider: 'pachca',
    account: 'pachca|sandbox|',
    chat,
    recipient: chat.slice(chat.lastIndexOf('|') + 1),
    preview: 'Добрый день',
    previewData: { kind: 'text', text: 'Добрый день' },
    status: 'sending',
    createdAt: now,
    updatedAt: now,
    ...over,
  };
};
