import { z } from 'zod';
import type { ConversationItem } from '../../../shared/recipients.ts';
import { normalizeGreenApiRecipient } from '../../../shared/messages/green-api.ts';
import type { OutgoingMessage } from '../../../shared/messages/index.ts';
import type { AdapterAccount, RateRule } from '../../providers/types.ts';
import type { DirectoryEntry } from '../directory-store.ts';
import { sameText, SKEW_MS, type ProviderReader, type ReaderContext } from '../reader.ts';

/**
 * Green-API's read side (green-api.md §10), instance form only: the v1 product has no contact
 * list, history, edit or delete (§10.1), so its accounts keep typing the number. Contacts come
 * whole (no paging, §10.2); a conversation and the search for a lost send read `getChatHistory`
 * (§10.3–10.4); `editMessage` (15 minutes) and `deleteMessage` (§10.5).
 */
const contacts = z.array(
  z.object({ id: z.string(), name: z.string().nullish(), contactName: z.string().nullish(), type: z.string().optional() }),
);
const historySchema = z.array(
  z.object({
    type: z.string(),
    idMessage: z.string(),
    timestamp: z.number(),
    chatId: z.string(),
    textMessage: z.string().nullish(),
    caption: z.string().nullish(),
    fileName: z.string().nullish(),
    senderName: z.string().nullish(),
    sendByApi: z.boolean().optional(),
  }),
);

const idOf = (account: AdapterAccount) => (account.settings.provider === 'greenapi' ? (account.settings.idInstance ?? '') : '');
// §10.7: per instance and method; getChats and editMessage are not in the table, 1 a second is kept.
const rule = (account: AdapterAccount, method: string, limit = 1): RateRule[] => [
  { key: `greenapi:${idOf(account)}:${method}`, limit, windowMs: 1000 },
];

function call(ctx: ReaderContext, method: string, http: 'GET' | 'POST', body?: unknown, query = '', limit = 1) {
  const base = `${ctx.account.baseUrl.replace(/\/$/, '')}/waInstance${idOf(ctx.account)}/${method}`;
  return ctx.client.call(ctx.account, {
    method: http,
    url: `${base}/${encodeURIComponent(ctx.account.secrets.token ?? '')}${query}`,
    displayUrl: `${base}/‹redacted›${query}`,
    headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    rules: rule(ctx.account, method, limit),
  });
}

function greenOf(message: OutgoingMessage) {
  if (message.provider !== 'greenapi') throw new Error('not a Green-API message');
  return message;
}
const chatIdOf = (m: ReturnType<typeof greenOf>) =>
  `${normalizeGreenApiRecipient(m.recipientType, m.to)}@${m.recipientType === 'group' ? 'g' : 'c'}.us`;

async function chatHistory(ctx: ReaderContext, chatId: string, count: number) {
  return historySchema.parse((await call(ctx, 'getChatHistory', 'POST', { chatId, count })).body);
}

export const greenApiReader: ProviderReader = {
  supports: (account) => account.settings.provider === 'greenapi' && account.settings.form === 'instance' && idOf(account) !== '',
  // §10.3: a message can take up to 2 minutes to reach the journals.
  readAfterWriteMs: 120_000,
  targetOf: (m) => chatIdOf(greenOf(m)),
  async *directory(ctx) {
    const list = contacts.parse((await call(ctx, 'getContacts', 'GET')).body);
    yield list.map((c): DirectoryEntry => {
      const group = c.type === 'group' || c.id.endsWith('@g.us');
      const digits = c.id.replace(/@.*$/, '');
      return {
        kind: group ? 'group' : 'contact',
        target: c.id,
        name: c.contactName || c.name || digits,
        // The phone is the digit part of a `@c.us` id only (§10.2); `@lid` ids have none.
        detail: c.id.endsWith('@c.us') ? digits : '',
        label: digits,
      };
    });
  },
  async conversation(ctx, target) {
    const list = await chatHistory(ctx, target, 50);
    const name = ctx.nameOf(target);
    return list
      .map((m): ConversationItem => ({
        id: m.idMessage,
        at: m.timestamp * 1000,
        author: m.type === 'outgoing' ? '' : (m.senderName ?? name ?? m.chatId.replace(/@.*$/, '')),
        own: m.type === 'outgoing',
        text: m.textMessage ?? m.caption ?? '',
        files: m.fileName ? [m.fileName] : [],
      }))
      .toSorted((a, b) => a.at - b.at);
  },
  async evidence(ctx, send) {
    const msg = greenOf(send.message);
    // §10.4: an outgoing message of this chat sent by the API, with the same text, not before the send.
    const found = (await chatHistory(ctx, chatIdOf(msg), 100))
      .filter(
        (m) =>
          m.type === 'outgoing' &&
          m.sendByApi !== false &&
          !send.claimed.has(m.idMessage) &&
          m.timestamp * 1000 >= send.startedAt - SKEW_MS &&
          sameText(m.textMessage ?? '', msg.text),
      )
      .toSorted((a, b) => a.timestamp - b.timestamp)[0];
    return found ? { providerMessageId: found.idMessage, at: found.timestamp * 1000 } : undefined;
  },
  async edit(ctx, message, id, text) {
    const r = await call(ctx, 'editMessage', 'POST', { chatId: chatIdOf(greenOf(message)), idMessage: id, message: text });
    return { exchange: r.exchange };
  },
  async remove(ctx, message, id) {
    const r = await call(ctx, 'deleteMessage', 'POST', { chatId: chatIdOf(greenOf(message)), idMessage: id }, '', 10);
    return { exchange: r.exchange };
  },
};
