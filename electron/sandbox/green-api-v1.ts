import { header, jsonBody, mediaType, SimServer, type ReceivedRequest, type SimResponse } from './server.ts';

/**
 * Green-API "WhatsApp API v1" (`POST /v1/messages`, seed 004) as a strict loopback server. Every
 * rule below is read from ../shared/providers/green-api.md and names its section; nothing is
 * taken from the console's own code, so a rule the console gets wrong shows up as a refusal here.
 * Errors use the v1 catalogue codes (§6) with HTTP 400, the only status the seed documents.
 */
const meta = { api_status: 'stable', version: '2.0.1' };

/**
 * §4: an individual is the full international number, digits only, no `+`, no `@c.us`. The client
 * library accepts any digit run; E.164 (7 to 15 digits) is the stricter reading and is kept here.
 */
const individualId = /^\d{7,15}$/;
/** §4: a group id is two digit runs joined by `-` (the creator's number and a creation time). */
const groupId = /^\d{7,15}-\d{6,12}$/;
/**
 * §3 and §6 (error 1032): `text.body` ≤ 4096 characters. A character is a code point, as JSON
 * Schema's `maxLength` counts it: an emoji is one character, not two UTF-16 units.
 */
const TEXT_MAX = 4096;

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function error(code: number, details: string, title: string): SimResponse {
  return { status: 400, body: { errors: [{ code, details, title }], meta } };
}

export interface GreenApiV1Message {
  id: string;
  to: string;
  recipientType: 'individual' | 'group';
  body: string;
}

export class GreenApiV1Simulator {
  readonly server = new SimServer();
  readonly messages: GreenApiV1Message[] = [];
  private seq = 1000;
  private readonly tokens: ReadonlySet<string>;

  constructor(opts: { tokens: readonly string[] }) {
    this.tokens = new Set(opts.tokens);
    this.server.route('POST', '/v1/messages', (req) => this.postMessage(req));
  }

  start(port = 0): Promise<string> {
    return this.server.start(port);
  }
  stop(): Promise<void> {
    return this.server.stop();
  }

  private postMessage(req: ReceivedRequest): SimResponse {
    // §2: `Authorization: Bearer <AuthToken>`; §6 codes 1040 (missing) and 1041 (not allowed).
    const auth = header(req, 'authorization');
    if (!auth) return error(1040, 'Authorization key is missing', 'Отсутствует ключ авторизации');
    const m = /^Bearer (\S+)$/.exec(auth);
    if (!m || !this.tokens.has(m[1]!)) return error(1041, 'Authorization key is not allowed', 'Ключ авторизации недействителен');
    // §2: the body is `application/json`.
    if (mediaType(req) !== 'application/json')
      return error(1011, 'Invalid parameter: Content-Type must be application/json', 'Неверный параметр');
    const body = jsonBody(req);
    if (!body || typeof body !== 'object' || Array.isArray(body))
      return error(1011, 'Invalid parameter: body is not a JSON object', 'Неверный параметр');
    const b = body as Record<string, unknown>;
    // §3: the four fields of a text message, nothing else.
    const known = new Set(['recipient_type', 'to', 'type', 'text']);
    for (const k of Object.keys(b)) if (!known.has(k)) return error(1011, `Invalid parameter -${k}-`, 'Неверный параметр');
    // §3: `recipient_type` is `individual` (default) or `group`; `type` is `text` (default).
    const recipientType = b.recipient_type ?? 'individual';
    if (recipientType !== 'individual' && recipientType !== 'group')
      return error(1011, 'Invalid parameter -recipient_type-', 'Неверный параметр');
    if ((b.type ?? 'text') !== 'text') return error(1011, 'Invalid parameter -type-', 'Неверный параметр');
    // §3 and §4: `to` is required and has the form of its recipient type (§6 codes 1020, 1021).
    if (b.to === undefined || b.to === '') return error(1020, 'Parameter -to- is missing', 'Отсутствует параметр -to-');
    const pattern = recipientType === 'group' ? groupId : individualId;
    if (typeof b.to !== 'string' || !pattern.test(b.to)) return error(1021, 'Invalid parameter -to-', 'Неверный параметр -to-');
    // §3: `text` is an object whose `body` is required (§6 codes 1030, 1031, 1032).
    const text = b.text;
    if (text === undefined || text === null) return error(1030, 'Parameter -text- is missing', 'Отсутствует параметр -text-');
    if (typeof text !== 'object' || Array.isArray(text)) return error(1031, 'Invalid parameter -text-', 'Неверный параметр -text-');
    const t = text as Record<string, unknown>;
    if (Object.keys(t).some((k) => k !== 'body')) return error(1031, 'Invalid parameter -text-', 'Неверный параметр -text-');
    if (typeof t.body !== 'string' || t.body.length === 0) return error(1030, 'Parameter -text- is missing', 'Отсутствует параметр -text-');
    if (codePoints(t.body) > TEXT_MAX) return error(1032, 'Message length exceeded', 'Превышена длина сообщения');
    // §6: success is 201 with the new message's id.
    const id = String(++this.seq);
    this.messages.push({ id, to: b.to, recipientType, body: t.body });
    return { status: 201, body: { messages: [{ id }], meta } };
  }
}
