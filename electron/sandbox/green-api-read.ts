import { firstNames, lastNames, SimPace } from './sim-pace.ts';
import type { ReceivedRequest, SimResponse, SimServer } from './server.ts';

/**
 * The Green-API instance's read side (green-api.md §10.2–10.5, 10.7) on the instance simulator's
 * server: `getContacts`, `getChats`, `getChatHistory`, `getMessage`, `lastOutgoingMessages`,
 * `editMessage` (within 15 minutes, text only) and `deleteMessage`. Sent messages are read from
 * the simulator's own record and reach the journals only `journalLagMs` after they were made
 * (§10.3: up to 2 minutes). The v1 form has none of this (§10.1).
 */
export interface GreenSentRecord {
  idMessage: string;
  chatId: string;
  message: string;
  at?: number;
}

interface Contact {
  id: string;
  name: string;
  contactName: string;
  type: 'user' | 'group';
}
interface JournalMessage {
  type: 'incoming' | 'outgoing';
  idMessage: string;
  timestamp: number;
  chatId: string;
  textMessage: string;
  senderName?: string;
  sendByApi?: boolean;
  statusMessage?: string;
}

export interface GreenReadOptions {
  journalLagMs?: number;
  contacts?: number;
  now?: () => number;
}

/** §10.5: WhatsApp lets a message be edited within 15 minutes of sending. */
export const EDIT_WINDOW_MS = 15 * 60_000;

export class GreenApiReadSide {
  readonly contacts: Contact[] = [];
  readonly incoming: JournalMessage[] = [];
  private readonly edits = new Map<string, string>();
  private readonly deleted = new Set<string>();
  private readonly pace: SimPace;
  private readonly now: () => number;
  private readonly sent: readonly GreenSentRecord[];
  private readonly auth: (idInstance: string, token: string) => SimResponse | undefined;
  journalLagMs: number;

  constructor(
    server: SimServer,
    sent: readonly GreenSentRecord[],
    auth: (idInstance: string, token: string) => SimResponse | undefined,
    opts: GreenReadOptions = {},
  ) {
    this.sent = sent;
    this.auth = auth;
    this.now = opts.now ?? Date.now;
    this.pace = new SimPace(this.now);
    this.journalLagMs = opts.journalLagMs ?? 2000;
    this.seed(opts.contacts ?? 40);
    // §10.7: requests per second per instance and method; getChats and editMessage are not in the
    // table, so the sandbox gives them the cautious 1.
    const rates: Record<string, number> = {
      getContacts: 1,
      getChats: 1,
      getChatHistory: 1,
      getMessage: 10,
      lastOutgoingMessages: 1,
      editMessage: 1,
      deleteMessage: 10,
    };
    const route = (method: 'GET' | 'POST', name: string, handle: (req: ReceivedRequest) => SimResponse) =>
      server.route(method, `/waInstance{idInstance}/${name}/{token}`, (req, p) => {
        const denied = this.auth(p.idInstance!, p.token!);
        if (denied) return denied;
        if (!this.pace.admit(`${p.idInstance}:${name}`, rates[name]!, 1000)) return { status: 429, body: { message: 'Too Many Requests' } };
        return handle(req);
      });
    route('GET', 'getContacts', (req) => this.getContacts(req));
    route('GET', 'getChats', () => ({
      status: 200,
      body: this.contacts.map((c) => ({ id: c.id, name: c.name, type: c.type, archive: false })),
    }));
    route('POST', 'getChatHistory', (req) => this.getChatHistory(req));
    route('POST', 'getMessage', (req) => this.getMessage(req));
    route('GET', 'lastOutgoingMessages', (req) => this.lastOutgoing(req));
    route('POST', 'editMessage', (req) => this.edit(req));
    route('POST', 'deleteMessage', (req) => this.remove(req));
  }

  private seed(count: number): void {
    for (let i = 0; i < count; i++) {
      const f = i % firstNames.length;
      const l = ((i * 3) % (lastNames.length / 2)) * 2 + (f % 2);
      const phone = `7901${String(2_000_000 + i * 104_729).slice(-7)}`;
      this.contacts.push({ id: `${phone}@c.us`, name: `${firstNames[f]}`, contactName: `${firstNames[f]} ${lastNames[l]}`, type: 'user' });
    }
    for (const [i, title] of ['Оптовики', 'Доставка Москва', 'Склад'].entries())
      this.contacts.push({ id: `7901000000${i}-1587570015@g.us`, name: title, contactName: '', type: 'group' });
    const start = Math.floor(Date.UTC(2026, 10, 20) / 1000);
    const asks = ['Добрый день! Заказ ещё в пути?', 'Пришлите, пожалуйста, счёт', 'Спасибо!'];
    this.contacts.slice(0, 20).forEach((c, i) =>
      this.incoming.push({
        type: 'incoming',
        idMessage: `BAE5${(0x1000 + i).toString(16).toUpperCase()}`,
        timestamp: start + i * 600,
        chatId: c.id,
        textMessage: asks[i % asks.length]!,
        senderName: c.name,
      }),
    );
  }

  private journal(now = this.now()): JournalMessage[] {
    const ours = this.sent
      .filter((m) => !this.deleted.has(m.idMessage) && (m.at ?? 0) <= now - this.journalLagMs)
      .map((m): JournalMessage => ({
        type: 'outgoing',
        idMessage: m.idMessage,
        timestamp: Math.floor((m.at ?? 0) / 1000),
        chatId: m.chatId,
        textMessage: this.edits.get(m.idMessage) ?? m.message,
        sendByApi: true,
        statusMessage: 'delivered',
      }));
    return [...this.incoming, ...ours].toSorted((a, b) => b.timestamp - a.timestamp);
  }

  private json(req: ReceivedRequest): Record<string, unknown> | undefined {
    try {
      const v: unknown = JSON.parse(req.body.toString('utf8'));
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  private getContacts(req: ReceivedRequest): SimResponse {
    const group = req.query.get('group');
    const count = req.query.get('count');
    let list = this.contacts.filter((c) => group === null || (group === 'true') === (c.type === 'group'));
    if (count !== null) list = list.slice(0, Math.max(0, Number(count) || 0));
    // §10.2: no paging: the whole list, or its first `count` items.
    return { status: 200, body: list };
  }

  private getChatHistory(req: ReceivedRequest): SimResponse {
    const b = this.json(req);
    if (!b || typeof b.chatId !== 'string' || !/@(c|g)\.us$/.test(b.chatId)) return { status: 400, body: { message: 'chatId is invalid' } };
    const count = b.count === undefined ? 100 : b.count;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) return { status: 400, body: { message: 'count is invalid' } };
    // §10.3: newest first, no cursor.
    return {
      status: 200,
      body: this.journal()
        .filter((m) => m.chatId === b.chatId)
        .slice(0, count),
    };
  }

  private getMessage(req: ReceivedRequest): SimResponse {
    const b = this.json(req);
    if (!b || typeof b.chatId !== 'string' || typeof b.idMessage !== 'string')
      return { status: 400, body: { message: 'chatId and idMessage are required' } };
    const m = this.journal().find((j) => j.chatId === b.chatId && j.idMessage === b.idMessage);
    return m ? { status: 200, body: m } : { status: 400, body: { message: 'Message by id not found' } };
  }

  private lastOutgoing(req: ReceivedRequest): SimResponse {
    const minutes = req.query.get('minutes') === null ? 1440 : Number(req.query.get('minutes'));
    if (!Number.isFinite(minutes) || minutes <= 0) return { status: 400, body: { message: 'minutes is invalid' } };
    const since = Math.floor((this.now() - minutes * 60_000) / 1000);
    return { status: 200, body: this.journal().filter((m) => m.type === 'outgoing' && m.timestamp >= since) };
  }

  private own(b: Record<string, unknown> | undefined): GreenSentRecord | SimResponse {
    if (!b || typeof b.chatId !== 'string' || typeof b.idMessage !== 'string')
      return { status: 400, body: { message: 'chatId and idMessage are required' } };
    const m = this.sent.find((s) => s.idMessage === b.idMessage && s.chatId === b.chatId);
    if (!m || this.deleted.has(m.idMessage)) return { status: 400, body: { message: 'Message by id not found' } };
    return m;
  }

  private edit(req: ReceivedRequest): SimResponse {
    const b = this.json(req);
    const m = this.own(b);
    if ('status' in m) return m;
    if (typeof b?.message !== 'string' || !b.message) return { status: 400, body: { message: 'message is required' } };
    if (b.message.length > 20_000) return { status: 400, body: { message: 'message is longer than 20000 characters' } };
    if (this.now() - (m.at ?? 0) > EDIT_WINDOW_MS)
      return { status: 400, body: { message: 'Message can be edited only within 15 minutes of sending' } };
    this.edits.set(m.idMessage, b.message);
    return { status: 200, body: { idMessage: m.idMessage } };
  }

  private remove(req: ReceivedRequest): SimResponse {
    const m = this.own(this.json(req));
    if ('status' in m) return m;
    this.deleted.add(m.idMessage);
    return { status: 200 };
  }
}
