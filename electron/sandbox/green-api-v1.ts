import { groupIdPatternV1, individualIdPattern } from '../../shared/messages/green-api.ts';
import { header, jsonBody, mediaType, SimServer, type ReceivedRequest, type SimResponse } from './server.ts';

/**
 * Green-API "WhatsApp API v1" (`POST /v1/messages`, seed 004, green-api.md §2–6) as a strict
 * loopback server. It refuses what the documented API refuses: a missing or unknown Bearer
 * token, a non-JSON body, a missing or malformed `to`, a missing or empty `text.body`, a body
 * over 4096 characters, an unknown `recipient_type` or `type`. Errors use the v1 catalogue codes.
 */
const meta = { api_status: 'stable', version: '2.0.1' };

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
    const auth = header(req, 'authorization');
    if (!auth) return error(1040, 'Authorization key is missing', 'Отсутствует ключ авторизации');
    const m = /^Bearer (\S+)$/.exec(auth);
    if (!m || !this.tokens.has(m[1]!)) return error(1041, 'Authorization key is not allowed', 'Ключ авторизации недействителен');
    if (mediaType(req) !== 'application/json')
      return error(1011, 'Invalid parameter: Content-Type must be application/json', 'Неверный параметр');
    const body = jsonBody(req);
    if (!body || typeof body !== 'object' || Array.isArray(body))
      return error(1011, 'Invalid parameter: body is not a JSON object', 'Неверный параметр');
    const b = body as Record<string, unknown>;
    const known = new Set(['recipient_type', 'to', 'type', 'text']);
    for (const k of Object.keys(b)) if (!known.has(k)) return error(1011, `Invalid parameter -${k}-`, 'Неверный параметр');
    const recipientType = b.recipient_type ?? 'individual';
    if (recipientType !== 'individual' && recipientType !== 'group')
      return error(1011, 'Invalid parameter -recipient_type-', 'Неверный параметр');
    if ((b.type ?? 'text') !== 'text') return error(1011, 'Invalid parameter -type-', 'Неверный параметр');
    if (b.to === undefined || b.to === '') return error(1020, 'Parameter -to- is missing', 'Отсутствует параметр -to-');
    const pattern = recipientType === 'group' ? groupIdPatternV1 : individualIdPattern;
    if (typeof b.to !== 'string' || !pattern.test(b.to)) return error(1021, 'Invalid parameter -to-', 'Неверный параметр -to-');
    const text = b.text;
    if (text === undefined || text === null) return error(1030, 'Parameter -text- is missing', 'Отсутствует параметр -text-');
    if (typeof text !== 'object' || Array.isArray(text)) return error(1031, 'Invalid parameter -text-', 'Неверный параметр -text-');
    const t = text as Record<string, unknown>;
    if (Object.keys(t).some((k) => k !== 'body')) return error(1031, 'Invalid parameter -text-', 'Неверный параметр -text-');
    if (typeof t.body !== 'string' || t.body.length === 0) return error(1030, 'Parameter -text- is missing', 'Отсутствует параметр -text-');
    if (t.body.length > 4096) return error(1032, 'Message length exceeded', 'Превышена длина сообщения');
    const id = String(++this.seq);
    this.messages.push({ id, to: b.to, recipientType, body: t.body });
    return { status: 201, body: { messages: [{ id }], meta } };
  }
}
