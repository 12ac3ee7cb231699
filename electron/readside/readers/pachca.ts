import { z } from 'zod';
import type { ConversationItem } from '../../../shared/recipients.ts';
import type { OutgoingMessage } from '../../../shared/messages/index.ts';
import type { RateRule } from '../../providers/types.ts';
import type { DirectoryEntry } from '../directory-store.ts';
import { sameText, SKEW_MS, type ProviderReader, type ReaderContext } from '../reader.ts';

/**
 * Pachca's read side (pachca.md §10): chats and users for the directory (list paging to
 * `has_next: false`), `GET /messages?chat_id=` for a conversation and for finding a send whose
 * answer was lost (our own `user_id`, same text, not before the send), `PUT`/`DELETE /messages/{id}`.
 */
const paginate = z.object({ next_page: z.string().nullish(), has_next: z.boolean().optional() });
const chatsPage = z.object({
  data: z.array(
    z.object({ id: z.number(), name: z.string().nullish(), personal: z.boolean().optional(), member_ids: z.array(z.number()).optional() }),
  ),
  meta: z.object({ paginate }),
});
const usersPage = z.object({
  data: z.array(
    z.object({
      id: z.number(),
      first_name: z.string().nullish(),
      last_name: z.string().nullish(),
      nickname: z.string().nullish(),
      email: z.string().nullish(),
      phone_number: z.string().nullish(),
      bot: z.boolean().optional(),
    }),
  ),
  meta: z.object({ paginate }),
});
const messageSchema = z.object({
  id: z.number(),
  user_id: z.number(),
  content: z.string().nullish(),
  created_at: z.string(),
  files: z.array(z.object({ name: z.string() })).nullish(),
  parent_message_id: z.number().nullish(),
});
const messagesPage = z.object({ data: z.array(messageSchema), meta: z.object({ paginate }).optional() });
const profile = z.object({ data: z.object({ id: z.number() }) });

// §10.6: ~50 req/s for chats, users and the profile, ~10 req/s for messages, per token.
const otherRule = (accountId: string): RateRule[] => [{ key: `pachca:${accountId}:read`, limit: 50, windowMs: 1000 }];
const messagesRule = (accountId: string): RateRule[] => [{ key: `pachca:${accountId}:read-messages`, limit: 10, windowMs: 1000 }];

const base = (ctx: ReaderContext) => ctx.account.baseUrl.replace(/\/$/, '');
const headers = (ctx: ReaderContext) => ({ authorization: `Bearer ${ctx.account.secrets.token ?? ''}`, accept: 'application/json' });
/** Our own author id per account, asked once (§10.3 step 1); a failed ask is asked again next time. */
const ownIds = new Map<string, Promise<number>>();

function ownId(ctx: ReaderContext): Promise<number> {
  let id = ownIds.get(ctx.account.id);
  if (!id) {
    id = ctx.client
      .call(ctx.account, { method: 'GET', url: `${base(ctx)}/profile`, headers: headers(ctx), rules: otherRule(ctx.account.id) })
      .then((r) => profile.parse(r.body).data.id);
    id.catch(() => ownIds.delete(ctx.account.id));
    ownIds.set(ctx.account.id, id);
  }
  return id;
}

async function* pages<T extends { meta: { paginate: z.infer<typeof paginate> } }>(
  ctx: ReaderContext,
  path: string,
  schema: z.ZodType<T>,
): AsyncGenerator<T> {
  let cursor: string | undefined;
  for (;;) {
    const url = `${base(ctx)}${path}?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = schema.parse(
      (await ctx.client.call(ctx.account, { method: 'GET', url, headers: headers(ctx), rules: otherRule(ctx.account.id) })).body,
    );
    yield page;
    // §10.1: the end is `has_next: false`, not a short or empty page.
    if (!page.meta.paginate.has_next || !page.meta.paginate.next_page) return;
    cursor = page.meta.paginate.next_page;
  }
}

/** `discussion:5001` / `user:101` ↔ the message's entity. */
export function pachcaTarget(entityType: string, entityId: number): string {
  return `${entityType}:${entityId}`;
}
const label = (entityType: string, id: number) => `${entityType === 'discussion' ? 'chat' : entityType} ${id}`;

async function chatIdOf(ctx: ReaderContext, target: string): Promise<number> {
  const [type, raw] = target.split(':');
  const id = Number(raw);
  if (type !== 'user') return id;
  // §10.3: a user's personal chat is found among the personal chats by its members (our reading).
  for await (const page of pagesPersonal(ctx)) {
    const chat = page.data.find((c) => c.personal && c.member_ids?.includes(id));
    if (chat) return chat.id;
  }
  return -1;
}
async function* pagesPersonal(ctx: ReaderContext) {
  let cursor: string | undefined;
  for (;;) {
    const url = `${base(ctx)}/chats?personal=true&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = chatsPage.parse(
      (await ctx.client.call(ctx.account, { method: 'GET', url, headers: headers(ctx), rules: otherRule(ctx.account.id) })).body,
    );
    yield page;
    if (!page.meta.paginate.has_next || !page.meta.paginate.next_page) return;
    cursor = page.meta.paginate.next_page;
  }
}

async function lastMessages(ctx: ReaderContext, chatId: number) {
  const url = `${base(ctx)}/messages?chat_id=${chatId}&limit=50`;
  const r = await ctx.client.call(ctx.account, { method: 'GET', url, headers: headers(ctx), rules: messagesRule(ctx.account.id) });
  return messagesPage.parse(r.body).data;
}

function pachcaOf(message: OutgoingMessage) {
  if (message.provider !== 'pachca') throw new Error('not a Pachca message');
  return message;
}

export const pachcaReader: ProviderReader = {
  supports: () => true,
  // §10.7 q2: not documented; a minute covers the lag the sandbox and users report.
  readAfterWriteMs: 60_000,
  targetOf: (m) => {
    const p = pachcaOf(m);
    return pachcaTarget(p.entityType, p.entityId);
  },
  async *directory(ctx) {
    for await (const page of pages(ctx, '/chats', chatsPage))
      yield page.data.map((c): DirectoryEntry => ({
        kind: 'chat',
        target: pachcaTarget('discussion', c.id),
        name: c.name ?? '',
        detail: String(c.id),
        label: label('discussion', c.id),
      }));
    for await (const page of pages(ctx, '/users', usersPage))
      yield page.data.map((u): DirectoryEntry => {
        const name = [u.first_name, u.last_name].filter(Boolean).join(' ') || u.nickname || String(u.id);
        return {
          kind: 'user',
          target: pachcaTarget('user', u.id),
          name,
          detail: [u.nickname ? `@${u.nickname}` : '', u.email ?? '', u.phone_number?.replace(/[^\d+]/g, '') ?? '']
            .filter(Boolean)
            .join(' · '),
          label: label('user', u.id),
        };
      });
  },
  async conversation(ctx, target) {
    const [me, chatId] = await Promise.all([ownId(ctx), chatIdOf(ctx, target)]);
    if (chatId < 0) return [];
    const list = await lastMessages(ctx, chatId);
    return list
      .map((m): ConversationItem => ({
        id: String(m.id),
        at: Date.parse(m.created_at),
        author: ctx.nameOf(pachcaTarget('user', m.user_id)) ?? String(m.user_id),
        own: m.user_id === me,
        text: m.content ?? '',
        files: (m.files ?? []).map((f) => f.name),
      }))
      .toSorted((a, b) => a.at - b.at || Number(a.id) - Number(b.id));
  },
  async evidence(ctx, send) {
    const msg = pachcaOf(send.message);
    const [me, chatId] = await Promise.all([ownId(ctx), chatIdOf(ctx, pachcaTarget(msg.entityType, msg.entityId))]);
    if (chatId < 0) return undefined;
    // §10.3: our own user id, the same content, file names and parent, not before the send started.
    const found = (await lastMessages(ctx, chatId))
      .filter(
        (m) =>
          m.user_id === me &&
          !send.claimed.has(String(m.id)) &&
          Date.parse(m.created_at) >= send.startedAt - SKEW_MS &&
          sameText(m.content ?? '', msg.content) &&
          (m.parent_message_id ?? undefined) === (msg.parentMessageId ?? undefined) &&
          (m.files ?? []).map((f) => f.name).join('\n') === send.fileNames.join('\n'),
      )
      .toSorted((a, b) => a.id - b.id)[0];
    return found ? { providerMessageId: String(found.id), at: Date.parse(found.created_at) } : undefined;
  },
  async edit(ctx, message, id, text) {
    const msg = pachcaOf(message);
    const r = await ctx.client.call(ctx.account, {
      method: 'PUT',
      url: `${base(ctx)}/messages/${encodeURIComponent(id)}`,
      headers: { ...headers(ctx), 'content-type': 'application/json' },
      body: JSON.stringify({ message: { content: text } }),
      // §10.4: edit and delete share the send pace of ~4 req/s per chat.
      rules: [{ key: `pachca:${ctx.account.id}:${msg.entityType}:${msg.entityId}`, limit: 4, windowMs: 1000 }],
    });
    return { exchange: r.exchange };
  },
  async remove(ctx, message, id) {
    const msg = pachcaOf(message);
    const r = await ctx.client.call(ctx.account, {
      method: 'DELETE',
      url: `${base(ctx)}/messages/${encodeURIComponent(id)}`,
      headers: headers(ctx),
      rules: [{ key: `pachca:${ctx.account.id}:${msg.entityType}:${msg.entityId}`, limit: 4, windowMs: 1000 }],
    });
    return { exchange: r.exchange };
  },
};
