import { groupIdPatternInstance, individualIdPattern } from '../../shared/messages/green-api.ts';
import { jsonBody, mediaType, SimServer, type ReceivedRequest, type SimResponse } from './server.ts';

/**
 * Green-API's current instance API (`POST /waInstance{idInstance}/sendMessage/{apiTokenInstance}`,
 * green-api.md §7) as a strict loopback server: credentials in the path (403 for an unknown
 * instance, 401 for a wrong token), JSON only, `chatId` with `@c.us`/`@g.us`, `message` 1–20 000
 * characters, optional `quotedMessageId` and `linkPreview`. Success is `200 {idMessage}`.
 */
export const INSTANCE_TEXT_MAX = 20_000;

export interface GreenApiInstanceMessage {
  idMessage: string;
  chatId: string;
  message: string;
}

function bad(message: string): SimResponse {
  return { status: 400, body: { message } };
}

export class GreenApiInstanceSimulator {
  readonly server = new SimServer();
  readonly messages: GreenApiInstanceMessage[] = [];
  private readonly instances: ReadonlyMap<string, string>;
  private seq = 0;

  /** `instances`: idInstance → apiTokenInstance. */
  constructor(opts: { instances: Record<string, string> }) {
    this.instances = new Map(Object.entries(opts.instances));
    this.server.route('POST', '/waInstance{idInstance}/sendMessage/{token}', (req, p) => this.sendMessage(req, p.idInstance!, p.token!));
    this.server.route('GET', '/waInstance{idInstance}/getStateInstance/{token}', (_req, p) => this.state(p.idInstance!, p.token!));
  }

  start(port = 0): Promise<string> {
    return this.server.start(port);
  }
  stop(): Promise<void> {
    return this.server.stop();
  }

  private auth(idInstance: string, token: string): SimResponse | undefined {
    const expected = this.instances.get(idInstance);
    if (expected === undefined) return { status: 403, body: { message: 'Forbidden: unknown idInstance' } };
    if (expected !== token) return { status: 401, body: { message: 'Unauthorized: wrong apiTokenInstance' } };
    return undefined;
  }

  private state(idInstance: string, token: string): SimResponse {
    return this.auth(idInstance, token) ?? { status: 200, body: { stateInstance: 'authorized' } };
  }

  private sendMessage(req: ReceivedRequest, idInstance: string, token: string): SimResponse {
    const denied = this.auth(idInstance, token);
    if (denied) return denied;
    if (mediaType(req) !== 'application/json') return bad('Content-Type must be application/json');
    const body = jsonBody(req);
    if (!body || typeof body !== 'object' || Array.isArray(body)) return bad('Body must be a JSON object');
    const b = body as Record<string, unknown>;
    for (const k of Object.keys(b))
      if (!['chatId', 'message', 'quotedMessageId', 'linkPreview'].includes(k)) return bad(`Unknown field ${k}`);
    if (typeof b.chatId !== 'string') return bad('chatId is required');
    const m = /^(.+)@(c|g)\.us$/.exec(b.chatId);
    if (!m || !(m[2] === 'c' ? individualIdPattern : groupIdPatternInstance).test(m[1]!)) return bad('chatId is invalid');
    if (typeof b.message !== 'string' || b.message.length === 0) return bad('message is required');
    if (b.message.length > INSTANCE_TEXT_MAX) return bad(`message is longer than ${INSTANCE_TEXT_MAX} characters`);
    if (b.quotedMessageId !== undefined && typeof b.quotedMessageId !== 'string') return bad('quotedMessageId must be a string');
    if (b.linkPreview !== undefined && typeof b.linkPreview !== 'boolean') return bad('linkPreview must be a boolean');
    const idMessage = `3EB0${(++this.seq).toString(16).toUpperCase().padStart(16, '0')}`;
    this.messages.push({ idMessage, chatId: b.chatId, message: b.message });
    return { status: 200, body: { idMessage } };
  }
}
