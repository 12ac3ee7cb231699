import { firstNames, lastNames, pageToken, seeded, SimPace } from './sim-pace.ts';
import type { ReceivedRequest, SimResponse, SimServer } from './server.ts';

/**
 * Pachca's read side (pachca.md §10, specs/pachca/openapi.yaml) on the Pachca simulator's server:
 * `GET /chats`, `GET /users` (with `query`), `GET /messages?chat_id=`, `GET /messages/{id}`,
 * `PUT` and `DELETE /messages/{id}`. Messages sent through `POST /messages` are read from the
 * simulator's own record and appear in a chat's list only `visibleAfterMs` after they were made
 * (§10.7 q2 leaves read-after-write open; the sandbox shows a short lag so the app must wait for it).
 */
export const PACHCA_OWN_USER_ID = 12;

/** What the read side needs of a sent message: the simulator's record plus its time. */
export interface PachcaSentRecord {
  id: number;
  entityType: string;
  entityId: number;
  content: string;
  buttons: unknown;
  files: { key: string; name: string; file_type: string; size: number }[];
  parentMessageId?: number;
  at?: number;
}

interface ChatSeed {
  id: number;
  name: string;
  personal: boolean;
  memberIds: number[];
  createdAt: number;
  lastMessageAt: number;
}
interface UserSeed {
  id: number;
  firstName: string;
  lastName: string;
  nickname: string;
  email: string;
  phone: string;
}
interface ChatMessage {
  id: number;
  chatId: number;
  userId: number;
  content: string;
  createdAt: number;
  files: { key: string; name: string; file_type: string }[];
  buttons: unknown;
  parentMessageId: number | null;
  entityType: string;
  entityId: number;
}

export interface PachcaReadOptions {
  /** How long a new message stays out of `GET /messages` (§10.7 q2). */
  visibleAfterMs?: number;
  chats?: number;
  users?: number;
  now?: () => number;
}

const apiError = (status: number, key: string, code: string, message: string): SimResponse => ({
  status,
  body: { errors: [{ key, value: null, message, code, payload: null }] },
});
const iso = (ms: number) => new Date(ms).toISOString();
/** The personal chat with a user: one per user, ids kept apart from group chats. */
export const personalChatOf = (userId: number) => 900_000 + userId;

export class PachcaReadSide {
  readonly chats: ChatSeed[] = [];
  readonly users: UserSeed[] = [];
  /** Messages other people wrote, seeded per chat. */
  readonly incoming: ChatMessage[] = [];
  private readonly edits = new Map<number, { content: string; at: number }>();
  private readonly deletions = new Map<number, number>();
  private readonly pace: SimPace;
  private readonly now: () => number;
  visibleAfterMs: number;
  private readonly sent: readonly PachcaSentRecord[];
  private readonly authed: (req: ReceivedRequest) => SimResponse | undefined;

  constructor(
    server: SimServer,
    sent: readonly PachcaSentRecord[],
    authed: (req: ReceivedRequest) => SimResponse | undefined,
    opts: PachcaReadOptions = {},
  ) {
    this.sent = sent;
    this.authed = authed;
    this.now = opts.now ?? Date.now;
    this.pace = new SimPace(this.now);
    this.visibleAfterMs = opts.visibleAfterMs ?? 1500;
    this.seed(opts.chats ?? 120, opts.users ?? 80);
    const guard = (bucket: 'messages' | 'other', next: (req: ReceivedRequest, p: Record<string, string>) => SimResponse) => {
      return (req: ReceivedRequest, p: Record<string, string>): SimResponse => {
        const denied = this.authed(req);
        if (denied) return denied;
        // §10.6: ~10 req/s for reading messages, ~50 req/s for the rest, per token; 429 with Retry-After.
        const token = String(req.headers.authorization ?? '');
        const [limit, key] = bucket === 'messages' ? [10, `m:${token}`] : [50, `o:${token}`];
        if (!this.pace.admit(key, limit, 1000))
          return { ...apiError(429, 'base', 'too_many_requests', 'Too many requests'), headers: { 'retry-after': '1' } };
        return next(req, p);
      };
    };
    server.route(
      'GET',
      '/chats',
      guard('other', (req) => this.listChats(req)),
    );
    server.route(
      'GET',
      '/users',
      guard('other', (req) => this.listUsers(req)),
    );
    server.route(
      'GET',
      '/messages',
      guard('messages', (req) => this.listMessages(req)),
    );
    server.route(
      'GET',
      '/messages/{id}',
      guard('messages', (_req, p) => this.oneMessage(Number(p.id))),
    );
    server.route('PUT', '/messages/{id}', (req, p) => this.writeGuard(req, Number(p.id), () => this.edit(req, Number(p.id))));
    server.route('DELETE', '/messages/{id}', (req, p) => this.writeGuard(req, Number(p.id), () => this.remove(Number(p.id))));
  }

  private seed(chatCount: number, userCount: number): void {
    const rnd = seeded(14);
    const start = Date.UTC(2026, 9, 1);
    for (let i = 0; i < userCount; i++) {
      const f = i % firstNames.length;
      const l = ((i * 3) % (lastNames.length / 2)) * 2 + (f % 2);
      this.users.push({
        id: 100 + i,
        firstName: firstNames[f]!,
        lastName: lastNames[l]!,
        nickname: `user${100 + i}`,
        email: `user${100 + i}@example.com`,
        phone: `+7900${String(1_000_000 + i * 7919).slice(-7)}`,
      });
    }
    const topics = ['Поддержка', 'Продажи', 'Логистика', 'Возвраты', 'Склад', 'Бухгалтерия', 'Маркетинг', 'Партнёры'];
    for (let i = 0; i < chatCount; i++) {
      const created = start + Math.floor(rnd() * 30 * 86_400_000);
      const members = this.users.filter(() => rnd() < 0.1).map((u) => u.id);
      this.chats.push({
        id: 5000 + i,
        name: `${topics[i % topics.length]} ${Math.floor(i / topics.length) + 1}`,
        personal: false,
        memberIds: [PACHCA_OWN_USER_ID, ...members],
        createdAt: created,
        lastMessageAt: created,
      });
    }
    for (const u of this.users.slice(0, 20))
      this.chats.push({
        id: personalChatOf(u.id),
        name: `${u.firstName} ${u.lastName}`,
        personal: true,
        memberIds: [PACHCA_OWN_USER_ID, u.id],
        createdAt: start,
        lastMessageAt: start,
      });
    let id = 100_000;
    const lines = ['Добрый день! Есть вопрос по заказу.', 'Когда будет отгрузка?', 'Спасибо, получили.', 'Посмотрите, пожалуйста, счёт.'];
    for (const c of this.chats.slice(0, 40)) {
      for (let k = 0; k < 3; k++) {
        const at = c.createdAt + (k + 1) * 3_600_000;
        const author = c.memberIds[1 + (k % Math.max(1, c.memberIds.length - 1))] ?? 100;
        this.incoming.push({
          id: ++id,
          chatId: c.id,
          userId: author,
          content: lines[(c.id + k) % lines.length]!,
          createdAt: at,
          files: k === 2 ? [{ key: `attaches/files/${id}/invoice.pdf`, name: 'invoice.pdf', file_type: 'file' }] : [],
          buttons: null,
          parentMessageId: null,
          entityType: 'discussion',
          entityId: c.id,
        });
        c.lastMessageAt = at;
      }
    }
  }

  /** The chat a sent message landed in: a discussion or thread is its own chat, a user their personal chat. */
  private chatOfSent(m: PachcaSentRecord): number {
    return m.entityType === 'user' ? personalChatOf(m.entityId) : m.entityId;
  }

  /** `visibleOnly`: what a chat's list shows (after the lag); a look-up by id finds a message at once. */
  private allMessages(visibleOnly = true): ChatMessage[] {
    const now = this.now();
    const ours = this.sent
      .filter((m) => !visibleOnly || (m.at ?? 0) <= now - this.visibleAfterMs)
      .map((m): ChatMessage => ({
        id: m.id,
        chatId: this.chatOfSent(m),
        userId: PACHCA_OWN_USER_ID,
        content: m.content,
        createdAt: m.at ?? 0,
        files: m.files.map((f) => ({ key: f.key, name: f.name, file_type: f.file_type })),
        buttons: m.buttons,
        parentMessageId: m.parentMessageId ?? null,
        entityType: m.entityType,
        entityId: m.entityId,
      }));
    return [...this.incoming, ...ours];
  }

  private json(m: ChatMessage, deletedAt?: number): Record<string, unknown> {
    const edit = this.edits.get(m.id);
    return {
      id: m.id,
      entity_type: m.entityType,
      entity_id: m.entityId,
      chat_id: m.chatId,
      root_chat_id: m.chatId,
      content: deletedAt !== undefined ? '' : (edit?.content ?? m.content),
      user_id: m.userId,
      created_at: iso(m.createdAt),
      changed_at: iso(edit?.at ?? m.createdAt),
      deleted_at: deletedAt !== undefined ? iso(deletedAt) : null,
      url: `https://app.pachca.com/chats/${m.chatId}?message=${m.id}`,
      files: deletedAt !== undefined ? [] : m.files.map((f, i) => ({ id: m.id * 100 + i, ...f, url: `https://files.example/${f.key}` })),
      buttons: m.buttons ?? null,
      thread: null,
      forwarding: null,
      parent_message_id: m.parentMessageId,
    };
  }

  /** `limit` 1–50 (default 50), as every list method takes it (§10.1). */
  private limit(req: ReceivedRequest, max: number): number | SimResponse {
    const raw = req.query.get('limit');
    if (raw === null) return max;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > max) return apiError(400, 'limit', 'invalid', `limit must be between 1 and ${max}`);
    return n;
  }

  /** List paging (§10.1): cursors always present, the end is `has_next: false`. */
  private page<T>(items: readonly T[], req: ReceivedRequest, limit: number): { data: T[]; meta: unknown } | SimResponse {
    const cursor = req.query.get('cursor');
    const decoded = pageToken.decode(cursor);
    if (cursor && (!decoded || typeof decoded.o !== 'number')) return apiError(400, 'cursor', 'invalid', 'cursor is invalid');
    const offset = typeof decoded?.o === 'number' ? decoded.o : 0;
    const data = items.slice(offset, offset + limit);
    return {
      data,
      meta: {
        paginate: {
          next_page: pageToken.encode({ o: offset + data.length }),
          prev_page: pageToken.encode({ o: Math.max(0, offset - limit) }),
          has_next: offset + data.length < items.length,
          has_prev: offset > 0,
        },
      },
    };
  }

  private listChats(req: ReceivedRequest): SimResponse {
    const limit = this.limit(req, 50);
    if (typeof limit !== 'number') return limit;
    const sort = req.query.get('sort') ?? 'id';
    const order = req.query.get('order') ?? 'desc';
    if (!['id', 'last_message_at'].includes(sort)) return apiError(400, 'sort', 'invalid', 'sort is id or last_message_at');
    if (!['asc', 'desc'].includes(order)) return apiError(400, 'order', 'invalid', 'order is asc or desc');
    const personal = req.query.get('personal');
    const chats = this.chats
      .filter((c) => personal === null || String(c.personal) === personal)
      .toSorted((a, b) => (sort === 'id' ? a.id - b.id : a.lastMessageAt - b.lastMessageAt) * (order === 'asc' ? 1 : -1));
    const page = this.page(chats, req, limit);
    if ('status' in page) return page;
    return {
      status: 200,
      body: {
        data: page.data.map((c) => ({
          id: c.id,
          name: c.name,
          created_at: iso(c.createdAt),
          owner_id: PACHCA_OWN_USER_ID,
          member_ids: c.memberIds,
          group_tag_ids: [],
          channel: false,
          archived: false,
          personal: c.personal,
          public: false,
          last_message_at: iso(c.lastMessageAt),
          meet_room_url: `https://meet.example/${c.id}`,
        })),
        meta: page.meta,
      },
    };
  }

  private listUsers(req: ReceivedRequest): SimResponse {
    const limit = this.limit(req, 50);
    if (typeof limit !== 'number') return limit;
    const query = req.query.get('query')?.toLowerCase();
    const users = query
      ? this.users.filter((u) => [u.firstName, u.lastName, u.email, u.phone, u.nickname].some((f) => f.toLowerCase().includes(query)))
      : this.users;
    const page = this.page(users, req, limit);
    if ('status' in page) return page;
    const data = page.data.map((u) => ({
      id: u.id,
      first_name: u.firstName,
      last_name: u.lastName,
      nickname: u.nickname,
      email: u.email,
      phone_number: u.phone,
      department: 'Поддержка',
      title: '',
      role: 'user',
      suspended: false,
      invite_status: 'confirmed',
      bot: false,
      list_tags: [],
      custom_properties: [],
      user_status: null,
      last_activity_at: iso(Date.UTC(2026, 10, 1)),
      time_zone: 'Europe/Moscow',
      image_url: null,
      created_at: iso(Date.UTC(2026, 0, 1)),
    }));
    // With `query` the answer is search-style: a total and only the next cursor (§10.1 paging).
    const meta = query
      ? { total: users.length, paginate: { next_page: (page.meta as { paginate: { next_page: string } }).paginate.next_page } }
      : page.meta;
    return { status: 200, body: { data, meta } };
  }

  private listMessages(req: ReceivedRequest): SimResponse {
    const chatId = Number(req.query.get('chat_id'));
    if (!req.query.get('chat_id') || !Number.isInteger(chatId)) return apiError(400, 'chat_id', 'required', 'chat_id is required');
    if (!this.chats.some((c) => c.id === chatId) && !this.sent.some((m) => this.chatOfSent(m) === chatId))
      return apiError(404, 'chat_id', 'not_found', 'Chat not found');
    const limit = this.limit(req, 50);
    if (typeof limit !== 'number') return limit;
    const order = req.query.get('order') ?? 'desc';
    // §10.2: newest first by default; deleted messages are left out of the list.
    const list = this.allMessages()
      .filter((m) => m.chatId === chatId && !this.deletions.has(m.id))
      .toSorted((a, b) => (a.id - b.id) * (order === 'asc' ? 1 : -1));
    const page = this.page(list, req, limit);
    if ('status' in page) return page;
    return { status: 200, body: { data: page.data.map((m) => this.json(m)), meta: page.meta } };
  }

  private find(id: number): ChatMessage | undefined {
    return this.allMessages(false).find((m) => m.id === id);
  }

  private oneMessage(id: number): SimResponse {
    const m = this.find(id);
    if (!m) return apiError(404, 'id', 'not_found', 'Message not found');
    // §10.2: a deleted message still answers 200, emptied, with deleted_at set.
    return { status: 200, body: { data: this.json(m, this.deletions.get(id)) } };
  }

  /** §10.4: edit and delete share the send pace of ~4 req/s per chat; only the author may edit. */
  private writeGuard(req: ReceivedRequest, id: number, next: () => SimResponse): SimResponse {
    const denied = this.authed(req);
    if (denied) return denied;
    const m = this.sent.find((s) => s.id === id) ? this.find(id) : undefined;
    const other = this.incoming.find((s) => s.id === id);
    if (!m && !other) return apiError(404, 'id', 'not_found', 'Message not found');
    if (this.deletions.has(id)) return apiError(404, 'id', 'not_found', 'Message not found');
    const chat = (m ?? other)!.chatId;
    if (!this.pace.admit(`w:${chat}`, 4, 1000))
      return { ...apiError(429, 'base', 'too_many_requests', 'Too many requests'), headers: { 'retry-after': '1' } };
    if (!m) return apiError(403, 'id', 'forbidden', 'Only the author can change this message');
    return next();
  }

  private edit(req: ReceivedRequest, id: number): SimResponse {
    let body: unknown;
    try {
      body = JSON.parse(req.body.toString('utf8'));
    } catch {
      return apiError(400, 'body', 'invalid', 'Body must be JSON');
    }
    const msg = (body as { message?: unknown } | null)?.message;
    if (!msg || typeof msg !== 'object') return apiError(400, 'message', 'required', 'message is required');
    const content = (msg as { content?: unknown }).content;
    if (content !== undefined && typeof content !== 'string')
      return apiError(400, 'message.content', 'invalid', 'content must be a string');
    if (typeof content === 'string' && !content.trim()) return apiError(422, 'message.content', 'blank', 'Message text cannot be empty');
    if (typeof content === 'string') this.edits.set(id, { content, at: this.now() });
    return { status: 200, body: { data: this.json(this.find(id)!) } };
  }

  private remove(id: number): SimResponse {
    this.deletions.set(id, this.now());
    return { status: 204 };
  }
}
