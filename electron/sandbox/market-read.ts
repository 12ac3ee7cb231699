import { firstNames, lastNames, pageToken, seeded } from './sim-pace.ts';
import type { ReceivedRequest, SimResponse, SimServer } from './server.ts';

/**
 * Yandex Market's chat read side (yandex-market.md §9, specs/yandex-market getChats and
 * getChatHistory) on the Market simulator's server: `POST /v2/businesses/{businessId}/chats`
 * (≤ 20 a page, `page_token`, filters by context, type and status) and
 * `POST /v2/businesses/{businessId}/chats/history?chatId=` (≤ 100 a page, `messageIdFrom`).
 * Messages and files the shop sent through the simulator appear as `PARTNER` messages once
 * `visibleAfterMs` has passed (§9.7 q3 leaves read-after-write open).
 */
export interface MarketSentRecord {
  chatId: string;
  businessId: string;
  at: number;
}

interface ChatSeed {
  chatId: number;
  orderId: number;
  campaignId: number;
  contextType: 'ORDER' | 'RETURN' | 'DIRECT';
  returnId?: number;
  customer: { name: string; publicId: string };
  status: string;
  type: 'CHAT' | 'ARBITRAGE';
  createdAt: number;
}
interface HistoryMessage {
  messageId: number;
  chatId: number;
  createdAt: number;
  sender: 'PARTNER' | 'CUSTOMER' | 'MARKET' | 'SUPPORT';
  message?: string;
  payload?: { name: string; url: string; size: number }[];
}

export interface MarketReadOptions {
  visibleAfterMs?: number;
  chats?: number;
  /** Requests per hour for getChats (§9.6: 5 000 in the spec) and getChatHistory (10 000). */
  chatsPerHour?: number;
  historyPerHour?: number;
}

const HOUR_MS = 3_600_000;
const statuses = ['NEW', 'WAITING_FOR_PARTNER', 'WAITING_FOR_CUSTOMER', 'WAITING_FOR_PARTNER', 'FINISHED', 'WAITING_FOR_MARKET'];
const apiError = (status: number, code: string, message: string, headers: Record<string, string> = {}): SimResponse => ({
  status,
  headers,
  body: { status: 'ERROR', errors: [{ code, message }] },
});
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');

export class MarketReadSide {
  readonly chats: ChatSeed[] = [];
  readonly seededMessages: HistoryMessage[] = [];
  /** The seeded messages by chat: a page of 20 chats over 10 000 would otherwise scan them all 20 times. */
  private readonly seededByChat = new Map<number, HistoryMessage[]>();
  private readonly quotas = new Map<string, { used: number; start: number }>();
  visibleAfterMs: number;
  chatsPerHour: number;
  historyPerHour: number;
  private readonly texts: readonly (MarketSentRecord & { text: string })[];
  private readonly files: readonly (MarketSentRecord & { name: string; size: number })[];
  private readonly refusal: (req: ReceivedRequest, businessId: string) => SimResponse | undefined;
  private readonly now: () => number;

  constructor(
    server: SimServer,
    sent: {
      texts: readonly (MarketSentRecord & { text: string })[];
      files: readonly (MarketSentRecord & { name: string; size: number })[];
    },
    refusal: (req: ReceivedRequest, businessId: string) => SimResponse | undefined,
    now: () => number,
    opts: MarketReadOptions = {},
  ) {
    this.texts = sent.texts;
    this.files = sent.files;
    this.refusal = refusal;
    this.now = now;
    this.visibleAfterMs = opts.visibleAfterMs ?? 1500;
    this.chatsPerHour = opts.chatsPerHour ?? 5000;
    this.historyPerHour = opts.historyPerHour ?? 10_000;
    this.seed(opts.chats ?? 60);
    server.route('POST', '/v2/businesses/{businessId}/chats', (req, p) =>
      this.guard(req, p.businessId ?? '', 'getChats', this.chatsPerHour, () => this.listChats(req)),
    );
    server.route('POST', '/v2/businesses/{businessId}/chats/history', (req, p) =>
      this.guard(req, p.businessId ?? '', 'getChatHistory', this.historyPerHour, () => this.history(req)),
    );
  }

  private seed(count: number): void {
    const rnd = seeded(9);
    const start = Date.UTC(2026, 10, 1);
    const asks = ['Здравствуйте! Когда привезут заказ?', 'Можно поменять адрес доставки?', 'Товар пришёл с браком, что делать?'];
    let id = 8_000_000;
    for (let i = 0; i < count; i++) {
      const f = i % firstNames.length;
      const l = ((i * 3) % (lastNames.length / 2)) * 2 + (f % 2);
      const contextType = i % 10 === 9 ? 'DIRECT' : i % 7 === 6 ? 'RETURN' : 'ORDER';
      const chat: ChatSeed = {
        chatId: 7_000_001 + i,
        orderId: 45_000_000 + i * 37,
        campaignId: 21_000_001,
        contextType,
        ...(contextType === 'RETURN' ? { returnId: 3_000_000 + i } : {}),
        customer: { name: `${firstNames[f]} ${lastNames[l]!.slice(0, 1)}.`, publicId: `pub${1000 + i}` },
        status: statuses[i % statuses.length]!,
        type: i % 13 === 12 ? 'ARBITRAGE' : 'CHAT',
        createdAt: start + Math.floor(rnd() * 20 * 86_400_000),
      };
      this.chats.push(chat);
      this.seededMessages.push({
        messageId: ++id,
        chatId: chat.chatId,
        createdAt: chat.createdAt + 60_000,
        sender: 'CUSTOMER',
        message: asks[i % asks.length]!,
      });
      if (i % 4 === 0)
        this.seededMessages.push({
          messageId: ++id,
          chatId: chat.chatId,
          createdAt: chat.createdAt + 120_000,
          sender: 'CUSTOMER',
          payload: [{ name: 'photo.jpg', url: `https://market.example/chat/${chat.chatId}/photo.jpg`, size: 184_220 }],
        });
    }
    for (const m of this.seededMessages) {
      const list = this.seededByChat.get(m.chatId) ?? [];
      list.push(m);
      this.seededByChat.set(m.chatId, list);
    }
  }

  /** Auth and scope as the send methods check them, then the method's hourly quota (§9.6, §5: 420). */
  private guard(req: ReceivedRequest, businessId: string, resource: string, limit: number, next: () => SimResponse): SimResponse {
    const refused = this.refusal(req, businessId);
    if (refused) return refused;
    const key = `${businessId}:${resource}`;
    const now = this.now();
    let q = this.quotas.get(key);
    if (!q || now >= q.start + HOUR_MS) this.quotas.set(key, (q = { used: 0, start: now }));
    const headers = (used: number) => ({
      'x-ratelimit-resource-limit': String(limit),
      'x-ratelimit-resource-remaining': String(Math.max(0, limit - used)),
      'x-ratelimit-resource-until': new Date(q.start + HOUR_MS).toUTCString(),
    });
    if (q.used >= limit)
      return apiError(
        420,
        'REQUEST_LIMIT_EXCEEDED',
        `Hit rate limit of ${limit} requests per 1 hour for resource ${resource}`,
        headers(q.used),
      );
    q.used++;
    const r = next();
    return { ...r, headers: { ...headers(q.used), ...r.headers } };
  }

  private limit(req: ReceivedRequest, max: number, fallback: number): number | SimResponse {
    const raw = req.query.get('limit');
    if (raw === null) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > max)
      return apiError(400, 'BAD_REQUEST', `Value of field (limit) must be between 1 and ${max}`);
    return n;
  }

  private body(req: ReceivedRequest): { value: Record<string, unknown> } | { refusal: SimResponse } {
    if (req.body.length === 0) return { value: {} };
    try {
      const b: unknown = JSON.parse(req.body.toString('utf8'));
      if (!b || typeof b !== 'object' || Array.isArray(b))
        return { refusal: apiError(400, 'BAD_REQUEST', 'JSON: the body must be an object') };
      return { value: b as Record<string, unknown> };
    } catch (e) {
      return { refusal: apiError(400, 'BAD_REQUEST', `JSON: ${(e as Error).message}`) };
    }
  }

  private offset(req: ReceivedRequest): number | SimResponse {
    // `page_token`, alias `pageToken` (§9.1).
    const raw = req.query.get('page_token') ?? req.query.get('pageToken');
    if (raw === null) return 0;
    const t = pageToken.decode(raw);
    if (!t || typeof t.o !== 'number') return apiError(400, 'BAD_REQUEST', 'Invalid page_token');
    return t.o;
  }

  private listChats(req: ReceivedRequest): SimResponse {
    const limit = this.limit(req, 20, 10);
    if (typeof limit !== 'number') return limit;
    const parsed = this.body(req);
    if ('refusal' in parsed) return parsed.refusal;
    const body = parsed.value;
    const offset = this.offset(req);
    if (typeof offset !== 'number') return offset;
    const list = (name: string): unknown[] | undefined | SimResponse => {
      const v = body[name];
      if (v === undefined || v === null) return undefined;
      if (!Array.isArray(v) || v.length === 0) return apiError(400, 'BAD_REQUEST', `Field (${name}) must be a non-empty array`);
      return v;
    };
    const filters: Record<string, unknown[] | undefined> = {};
    for (const name of ['contexts', 'contextTypes', 'types', 'statuses', 'orderIds']) {
      const v = list(name);
      if (v && !Array.isArray(v)) return v;
      filters[name] = v;
    }
    const contexts = (filters.contexts ?? []) as { type?: unknown; id?: unknown }[];
    const chats = this.chats.filter(
      (c) =>
        (!filters.contexts ||
          contexts.some((x) => x.type === c.contextType && Number(x.id) === (c.contextType === 'RETURN' ? c.returnId : c.orderId))) &&
        (!filters.contextTypes || filters.contextTypes.includes(c.contextType)) &&
        (!filters.types || filters.types.includes(c.type)) &&
        (!filters.statuses || filters.statuses.includes(c.status)) &&
        (!filters.orderIds || filters.orderIds.map(Number).includes(c.orderId)),
    );
    const page = chats.slice(offset, offset + limit);
    const more = offset + page.length < chats.length;
    return {
      status: 200,
      body: {
        status: 'OK',
        result: {
          chats: page.map((c) => ({
            chatId: c.chatId,
            context: {
              type: c.contextType,
              customer: c.customer,
              ...(c.contextType !== 'DIRECT' ? { campaignId: c.campaignId, orderId: c.orderId } : {}),
              ...(c.returnId ? { returnId: c.returnId } : {}),
            },
            type: c.type,
            status: c.status,
            createdAt: iso(c.createdAt),
            updatedAt: iso(this.lastAt(c)),
          })),
          ...(more ? { paging: { nextPageToken: pageToken.encode({ o: offset + page.length }) } } : { paging: {} }),
        },
      },
    };
  }

  private lastAt(c: ChatSeed): number {
    return Math.max(c.createdAt, ...this.messagesOf(c.chatId).map((m) => m.createdAt));
  }

  /** Every visible message of a chat, oldest first. Ids of the shop's sends follow their order. */
  private messagesOf(chatId: number): HistoryMessage[] {
    const visibleBefore = this.now() - this.visibleAfterMs;
    const ours: HistoryMessage[] = [];
    this.texts.forEach((m, i) => {
      if (Number(m.chatId) === chatId && m.at <= visibleBefore)
        ours.push({ messageId: 9_000_000 + i * 2, chatId, createdAt: m.at, sender: 'PARTNER', message: m.text });
    });
    this.files.forEach((f, i) => {
      if (Number(f.chatId) === chatId && f.at <= visibleBefore)
        ours.push({
          messageId: 9_000_001 + i * 2,
          chatId,
          createdAt: f.at,
          sender: 'PARTNER',
          payload: [{ name: f.name, url: `https://market.example/chat/${chatId}/${encodeURIComponent(f.name)}`, size: f.size }],
        });
    });
    return [...(this.seededByChat.get(chatId) ?? []), ...ours].toSorted((a, b) => a.createdAt - b.createdAt);
  }

  private history(req: ReceivedRequest): SimResponse {
    const chatIds = req.query.getAll('chatId');
    if (chatIds.length !== 1 || !/^[1-9]\d{0,18}$/.test(chatIds[0]!))
      return apiError(400, 'BAD_REQUEST', 'Value of field (chatId) must be an integer greater than or equal to 1');
    const chatId = Number(chatIds[0]);
    const chat = this.chats.find((c) => c.chatId === chatId);
    const all = this.messagesOf(chatId);
    if (!chat && all.length === 0) return apiError(404, 'NOT_FOUND', `Chat not found: ${chatId}`);
    const limit = this.limit(req, 100, 50);
    if (typeof limit !== 'number') return limit;
    const parsed = this.body(req);
    if ('refusal' in parsed) return parsed.refusal;
    const from = parsed.value.messageIdFrom;
    if (from !== undefined && (typeof from !== 'number' || !Number.isInteger(from) || from < 1))
      return apiError(400, 'BAD_REQUEST', 'Value of field (messageIdFrom) must be an integer greater than or equal to 1');
    const offset = this.offset(req);
    if (typeof offset !== 'number') return offset;
    // §9.7 q2 leaves the order and messageIdFrom's inclusiveness open. Our reading: newest first,
    // pages going back in time, messageIdFrom inclusive. Sent messages take time-ordered ids; the
    // app must not depend on either choice, and matches by sender, text and time instead.
    const list = all.filter((m) => from === undefined || m.messageId >= from || m.createdAt >= this.timeOf(all, from)).toReversed();
    const page = list.slice(offset, offset + limit);
    const more = offset + page.length < list.length;
    const context = chat
      ? {
          type: chat.contextType,
          customer: chat.customer,
          ...(chat.contextType !== 'DIRECT' ? { campaignId: chat.campaignId, orderId: chat.orderId } : {}),
        }
      : { type: 'DIRECT' };
    return {
      status: 200,
      body: {
        status: 'OK',
        result: {
          context,
          messages: page.map((m) => ({
            messageId: m.messageId,
            createdAt: iso(m.createdAt),
            sender: m.sender,
            ...(m.message !== undefined ? { message: m.message } : {}),
            ...(m.payload ? { payload: m.payload } : {}),
          })),
          paging: more ? { nextPageToken: pageToken.encode({ o: offset + page.length }) } : {},
        },
      },
    };
  }

  private timeOf(all: HistoryMessage[], id: number): number {
    return all.find((m) => m.messageId === id)?.createdAt ?? Number.POSITIVE_INFINITY;
  }
}
