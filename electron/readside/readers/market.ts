import { z } from 'zod';
import type { ConversationItem } from '../../../shared/recipients.ts';
import { normalizeMarketId } from '../../../shared/messages/market.ts';
import type { OutgoingMessage } from '../../../shared/messages/index.ts';
import type { AdapterAccount, RateRule } from '../../providers/types.ts';
import type { DirectoryEntry } from '../directory-store.ts';
import { sameText, SKEW_MS, type ProviderReader, type ReaderContext } from '../reader.ts';

/**
 * Yandex Market's chat read side (yandex-market.md §9): `POST …/chats` for the directory (≤ 20 a
 * page, `page_token` until none), `POST …/chats/history` for a conversation and for finding a
 * shop-side message with the same text after a lost answer (§9.3). Neither edits nor deletes exist (§9.4).
 */
const chatsAnswer = z.object({
  result: z.object({
    chats: z.array(
      z.object({
        chatId: z.number(),
        context: z
          .object({
            type: z.string().optional(),
            orderId: z.number().optional(),
            returnId: z.number().optional(),
            customer: z.object({ name: z.string().optional() }).optional(),
          })
          .optional(),
        status: z.string().optional(),
      }),
    ),
    paging: z.object({ nextPageToken: z.string().optional() }).optional(),
  }),
});
const historyAnswer = z.object({
  result: z.object({
    messages: z.array(
      z.object({
        messageId: z.number(),
        createdAt: z.string(),
        sender: z.string(),
        message: z.string().optional(),
        payload: z.array(z.object({ name: z.string(), size: z.number().optional() })).nullish(),
      }),
    ),
  }),
});

const HOUR = 3_600_000;
// §9.6: getChats 5 000 an hour (the spec's tier; the 2025 page said 10 000: the lower one is kept),
// getChatHistory 10 000 an hour, per cabinet — apart from the send methods' own quotas.
const chatsRule = (b: string): RateRule[] => [{ key: `market:${b}:getChats`, limit: 5000, windowMs: HOUR }];
const historyRule = (b: string): RateRule[] => [{ key: `market:${b}:getChatHistory`, limit: 10_000, windowMs: HOUR }];

function businessOf(account: AdapterAccount): string {
  return account.settings.provider === 'market' ? (account.settings.businessId ?? '') : '';
}
const base = (ctx: ReaderContext) => `${ctx.account.baseUrl.replace(/\/$/, '')}/v2/businesses/${businessOf(ctx.account)}`;
const headers = (ctx: ReaderContext) => ({
  'api-key': ctx.account.secrets.token ?? '',
  'content-type': 'application/json',
  accept: 'application/json',
});

async function history(ctx: ReaderContext, chatId: string, limit: number) {
  const r = await ctx.client.call(ctx.account, {
    method: 'POST',
    url: `${base(ctx)}/chats/history?chatId=${encodeURIComponent(chatId)}&limit=${limit}`,
    headers: headers(ctx),
    body: '{}',
    rules: historyRule(businessOf(ctx.account)),
  });
  return historyAnswer.parse(r.body).result.messages;
}

function marketOf(message: OutgoingMessage) {
  if (message.provider !== 'market') throw new Error('not a Market message');
  return message;
}

export const marketReader: ProviderReader = {
  supports: (account) => businessOf(account) !== '',
  // §9.7 q3: not documented; the sandbox shows a short lag, a minute covers it.
  readAfterWriteMs: 60_000,
  targetOf: (m) => normalizeMarketId(marketOf(m).chatId),
  async *directory(ctx) {
    let token: string | undefined;
    for (;;) {
      const url = `${base(ctx)}/chats?limit=20${token ? `&page_token=${encodeURIComponent(token)}` : ''}`;
      const r = await ctx.client.call(ctx.account, {
        method: 'POST',
        url,
        headers: headers(ctx),
        body: '{}',
        rules: chatsRule(businessOf(ctx.account)),
      });
      const page = chatsAnswer.parse(r.body).result;
      yield page.chats.map((c): DirectoryEntry => {
        const order = c.context?.orderId;
        return {
          kind: 'chat',
          target: String(c.chatId),
          name: c.context?.customer?.name ?? (order ? `#${order}` : String(c.chatId)),
          // The order (or return) number is what an operator types; the status says who must answer.
          detail: [order ? String(order) : '', c.context?.returnId ? `↩ ${c.context.returnId}` : '', c.status ?? '']
            .filter(Boolean)
            .join(' · '),
          label: `chat ${c.chatId}`,
        };
      });
      token = page.paging?.nextPageToken;
      if (!token || page.chats.length === 0) return;
    }
  },
  async conversation(ctx, target) {
    const list = await history(ctx, target, 50);
    const customer = ctx.nameOf(target);
    // §9.7 q2: the order of the answer is not documented, so it is sorted here.
    return list
      .map((m): ConversationItem => ({
        id: String(m.messageId),
        at: Date.parse(m.createdAt),
        author: m.sender === 'CUSTOMER' && customer ? customer : m.sender,
        own: m.sender === 'PARTNER',
        text: m.message ?? '',
        files: (m.payload ?? []).map((p) => p.name),
      }))
      .toSorted((a, b) => a.at - b.at || Number(a.id) - Number(b.id));
  },
  async evidence(ctx, send) {
    const msg = marketOf(send.message);
    // §9.3: a PARTNER message with the same text (a file: the same name) not before the send started.
    const found = (await history(ctx, normalizeMarketId(msg.chatId), 100))
      .filter(
        (m) =>
          m.sender === 'PARTNER' &&
          !send.claimed.has(String(m.messageId)) &&
          Date.parse(m.createdAt) >= send.startedAt - SKEW_MS &&
          (msg.kind === 'text'
            ? sameText(m.message ?? '', msg.text ?? '')
            : (m.payload ?? []).some((p) => send.fileNames.includes(p.name))),
      )
      .toSorted((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))[0];
    return found ? { providerMessageId: String(found.messageId), at: Date.parse(found.createdAt) } : undefined;
  },
};
