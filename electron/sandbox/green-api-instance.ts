import { GreenApiReadSide, type GreenReadOptions } from './green-api-read.ts';
import { jsonBody, mediaType, SimServer, type ReceivedRequest, type SimResponse } from './server.ts';

/**
 * Green-API's current instance API (`POST {apiUrl}/waInstance{idInstance}/sendMessage/{apiTokenInstance}`)
 * as a strict loopback server. Every rule below is read from ../shared/providers/green-api.md and
 * names its section; nothing is taken from the console's own code.
 */

/**
 * §7 gives `message` 20 000 characters on the current page and 4096 on the older Russian revision;
 * §9 q5 leaves it open. The simulator takes the stricter, 4096, counted in code points (a
 * character as JSON Schema counts it; an emoji is one).
 */
export const INSTANCE_TEXT_MAX = 4096;

/** §7 (chat-id page): an individual is the full number + `@c.us`. */
const individualChat = /^\d{7,15}@c\.us$/;
/** §7: a group is `<number>-<time>@g.us` (old style) or a long number + `@g.us` (new style). */
const groupChat = /^(\d{7,15}-\d{6,12}|\d{15,20})@g\.us$/;

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export interface GreenApiInstanceMessage {
  idMessage: string;
  chatId: string;
  message: string;
  /** When it was made: the journals list it only after their lag. */
  at: number;
}

function bad(message: string): SimResponse {
  return { status: 400, body: { message } };
}

export class GreenApiInstanceSimulator {
  readonly server = new SimServer();
  readonly messages: GreenApiInstanceMessage[] = [];
  private readonly instances: ReadonlyMap<string, string>;
  private seq = 0;
  readonly read: GreenApiReadSide;

  /** `instances`: idInstance → apiTokenInstance. */
  constructor(opts: { instances: Record<string, string>; read?: GreenReadOptions }) {
    this.instances = new Map(Object.entries(opts.instances));
    this.read = new GreenApiReadSide(this.server, this.messages, (id, token) => this.auth(id, token), opts.read);
    this.server.route('POST', '/waInstance{idInstance}/sendMessage/{token}', (req, p) => this.sendMessage(req, p.idInstance!, p.token!));
    this.server.route('GET', '/waInstance{idInstance}/getStateInstance/{token}', (_req, p) => this.state(p.idInstance!, p.token!));
  }

  start(port = 0): Promise<string> {
    return this.server.start(port);
  }
  stop(): Promise<void> {
    return this.server.stop();
  }

  /** §7 errors: 403 for a wrong `idInstance`, 401 for a wrong `apiTokenInstance`; credentials live in the path. */
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
    // §7: the body is JSON `{chatId, message, quotedMessageId?, linkPreview?}` and nothing else.
    if (mediaType(req) !== 'application/json') return bad('Content-Type must be application/json');
    const body = jsonBody(req);
    if (!body || typeof body !== 'object' || Array.isArray(body)) return bad('Body must be a JSON object');
    const b = body as Record<string, unknown>;
    for (const k of Object.keys(b))
      if (!['chatId', 'message', 'quotedMessageId', 'linkPreview'].includes(k)) return bad(`Unknown field ${k}`);
    if (typeof b.chatId !== 'string') return bad('chatId is required');
    if (!individualChat.test(b.chatId) && !groupChat.test(b.chatId)) return bad('chatId is invalid');
    // §7: `message` is required; its limit is the stricter reading of §9 q5 (above).
    if (typeof b.message !== 'string' || b.message.length === 0) return bad('message is required');
    if (codePoints(b.message) > INSTANCE_TEXT_MAX) return bad(`message is longer than ${INSTANCE_TEXT_MAX} characters`);
    if (b.quotedMessageId !== undefined && typeof b.quotedMessageId !== 'string') return bad('quotedMessageId must be a string');
    if (b.linkPreview !== undefined && typeof b.linkPreview !== 'boolean') return bad('linkPreview must be a boolean');
    // §7: success is 200 `{idMessage}`.
    const idMessage = `3EB0${(++this.seq).toString(16).toUpperCase().padStart(16, '0')}`;
    this.messages.push({ idMessage, chatId: b.chatId, message: b.message, at: Date.now() });
    return { status: 200, body: { idMessage } };
  }
}
