import { createHash, randomUUID } from 'node:crypto';
import { boundaryOf, parseMultipart } from './multipart.ts';
import { personalChatOf, PachcaReadSide, type PachcaReadOptions } from './pachca-read.ts';
import { header, jsonBody, mediaType, SimServer, type ReceivedRequest, type SimResponse } from './server.ts';

/**
 * Pachca (`/api/shared/v1`) as a strict loopback server: `POST /messages`, the two-step upload
 * (`POST /uploads`, then the S3-style `POST /direct_upload` with no Authorization header and the
 * file as the last part), and `GET /profile`. Every rule is read from ../shared/providers/pachca.md
 * and ../shared/specs/pachca/openapi.yaml (`MessageCreateRequest`, `Button`) and names its section;
 * nothing is taken from the console's own code. Where the sheet leaves a question open (§9) the
 * simulator takes the strictest reading.
 */

/** §2 and the spec's `MessageEntityType`: three entity types, matched without regard to case. */
const ENTITY_TYPES = ['discussion', 'thread', 'user'];
/**
 * §4 and §9 q1: the seed and the spec's field text allow 100 buttons with at most 8 a row; the
 * newest guide allows 32 rows. The simulator holds all three, the strictest reading.
 */
const BUTTONS_MAX = 100;
const BUTTONS_PER_ROW_MAX = 8;
const BUTTON_ROWS_MAX = 32;
/** §4: button `text` and `data` ≤ 255 characters. */
const BUTTON_TEXT_MAX = 255;
const BUTTON_DATA_MAX = 255;
/** §2 and the spec: `display_name`, `display_avatar_url` have `maxLength: 255`. */
const DISPLAY_MAX = 255;
/** §2 (spec `FileType`): the file types a message may carry. */
const FILE_TYPES = ['file', 'image', 'audio', 'voice'];

/** A length as JSON Schema's `maxLength` counts it: in code points, an emoji is one character. */
function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** §3 step 3: `${filename}` in the key stands for the file's name, taken literally. */
function keyWithName(template: string, name: string): string {
  return template.split('${filename}').join(name);
}

export interface PachcaSimMessage {
  id: number;
  entityType: string;
  entityId: number;
  content: string;
  buttons: unknown;
  files: { key: string; name: string; file_type: string; size: number }[];
  parentMessageId?: number;
  displayName?: string;
  displayAvatarUrl?: string;
  skipInviteMentions: boolean;
  linkPreview: boolean;
  /** When it was made: the read side lists it only after its read-after-write lag. */
  at: number;
}

export interface PachcaSimUpload {
  key: string;
  name: string;
  size: number;
  sha256: string;
}

const apiError = (status: number, key: string, code: string, message: string, value: unknown = null): SimResponse => ({
  status,
  body: { errors: [{ key, value, message, code, payload: null }] },
});
const oauth = (status: number, error: string, description: string): SimResponse => ({
  status,
  body: { error, error_description: description },
});
const int32 = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31;
const ext = (s: string) => (/\.([^./]+)$/.exec(s)?.[1] ?? '').toLowerCase();

export class PachcaSimulator {
  readonly server = new SimServer();
  readonly messages: PachcaSimMessage[] = [];
  readonly uploads: PachcaSimUpload[] = [];
  private readonly tokens: ReadonlySet<string>;
  private readonly botTokens: ReadonlySet<string>;
  /** Signed upload forms handed out by `POST /uploads`, by key template. */
  private readonly issued = new Map<string, { signature: string; policy: string }>();
  private seq = 194_000;
  readonly read: PachcaReadSide;

  constructor(opts: { tokens: readonly string[]; botTokens?: readonly string[]; read?: PachcaReadOptions }) {
    this.botTokens = new Set(opts.botTokens ?? []);
    this.tokens = new Set([...opts.tokens, ...this.botTokens]);
    this.read = new PachcaReadSide(this.server, this.messages, (req) => this.refusal(req), opts.read);
    this.server.route('POST', '/messages', (req) => this.authed(req, (token) => this.createMessage(req, token)));
    this.server.route('POST', '/uploads', (req) => this.authed(req, () => this.uploadParams()));
    this.server.route('POST', '/direct_upload', (req) => this.directUpload(req));
    this.server.route('GET', '/profile', (req) =>
      this.authed(req, (token) => ({
        status: 200,
        body: {
          data: {
            id: 12,
            first_name: this.botTokens.has(token) ? 'Бот' : 'Оператор',
            last_name: '',
            nickname: 'operator',
            email: 'operator@example.com',
            role: 'user',
            bot: this.botTokens.has(token),
          },
        },
      })),
    );
  }

  start(port = 0): Promise<string> {
    return this.server.start(port);
  }
  stop(): Promise<void> {
    return this.server.stop();
  }

  /** The authentication refusal for a request, if any (the read side's guard). */
  private refusal(req: ReceivedRequest): SimResponse | undefined {
    let passed = false;
    const r = this.authed(req, () => {
      passed = true;
      return { status: 200 };
    });
    return passed ? undefined : r;
  }

  /** §1 and §6: `Authorization: Bearer <token>` on every call but the upload; 401 OAuthError otherwise. */
  private authed(req: ReceivedRequest, next: (token: string) => SimResponse): SimResponse {
    const auth = header(req, 'authorization');
    if (!auth) return oauth(401, 'invalid_token', 'Access token is missing');
    const m = /^Bearer (\S+)$/.exec(auth);
    if (!m || !this.tokens.has(m[1]!)) return oauth(401, 'invalid_token', 'Access token is invalid');
    return next(m[1]!);
  }

  /** §3 step 1: one signed form per call, the key ending in `${filename}`. */
  private uploadParams(): SimResponse {
    const key = `attaches/files/93746/${randomUUID()}/\${filename}`;
    const signature = createHash('sha256').update(key).digest('hex');
    const policy = Buffer.from(JSON.stringify({ expiration: '2099-01-01T00:00:00Z', key })).toString('base64');
    this.issued.set(key, { signature, policy });
    return {
      status: 201,
      body: {
        'Content-Disposition': 'attachment',
        acl: 'private',
        policy,
        'x-amz-credential': '286471_server/20261122/kz-6x/s3/aws4_request',
        'x-amz-algorithm': 'AWS4-HMAC-SHA256',
        'x-amz-date': '20261122T065734Z',
        'x-amz-signature': signature,
        key,
        direct_url: `${this.server.baseUrl}/direct_upload`,
      },
    };
  }

  /** §3 step 2: multipart with the signed fields as given, `file` last, no Authorization header; 403 when the signature is wrong. */
  private directUpload(req: ReceivedRequest): SimResponse {
    if (header(req, 'authorization'))
      return {
        status: 400,
        headers: { 'content-type': 'application/xml' },
        body: '<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>',
      };
    const boundary = mediaType(req) === 'multipart/form-data' ? boundaryOf(header(req, 'content-type') ?? '') : undefined;
    if (!boundary)
      return {
        status: 400,
        headers: { 'content-type': 'application/xml' },
        body: '<Error><Code>InvalidRequest</Code><Message>multipart/form-data expected</Message></Error>',
      };
    const parts = parseMultipart(req.body, boundary);
    if ('error' in parts) return { status: 400, body: `<Error><Code>MalformedPOSTRequest</Code><Message>${parts.error}</Message></Error>` };
    const last = parts.at(-1);
    if (!last || last.name !== 'file' || last.filename === undefined)
      return { status: 400, body: '<Error><Code>InvalidArgument</Code><Message>file must be the last field</Message></Error>' };
    const field = (n: string) => parts.find((p) => p.name === n)?.data.toString('utf8');
    const key = field('key') ?? '';
    const issued = this.issued.get(key);
    if (!issued || field('x-amz-signature') !== issued.signature || field('policy') !== issued.policy)
      return { status: 403, body: '<Error><Code>AccessDenied</Code><Message>Invalid according to Policy</Message></Error>' };
    for (const f of ['Content-Disposition', 'acl', 'x-amz-credential', 'x-amz-algorithm', 'x-amz-date'])
      if (field(f) === undefined)
        return { status: 400, body: `<Error><Code>InvalidArgument</Code><Message>${f} is missing</Message></Error>` };
    if (last.data.length === 0) return { status: 400, body: '<Error><Code>EntityTooSmall</Code></Error>' };
    this.uploads.push({
      key: keyWithName(key, last.filename),
      name: last.filename,
      size: last.data.length,
      sha256: createHash('sha256').update(last.data).digest('hex'),
    });
    return { status: 204 };
  }

  private createMessage(req: ReceivedRequest, token: string): SimResponse {
    // §1: the body is JSON.
    if (mediaType(req) !== 'application/json') return apiError(400, 'body', 'invalid', 'Content-Type must be application/json');
    const body = jsonBody(req);
    if (!body || typeof body !== 'object' || Array.isArray(body)) return apiError(400, 'body', 'invalid', 'Body must be a JSON object');
    const b = body as Record<string, unknown>;
    // §2: `{message, link_preview}` at the top level, nothing else.
    for (const k of Object.keys(b))
      if (k !== 'message' && k !== 'link_preview') return apiError(400, k, 'invalid', `Unknown parameter ${k}`);
    if (b.link_preview !== undefined && typeof b.link_preview !== 'boolean')
      return apiError(400, 'link_preview', 'invalid', 'link_preview must be a boolean', b.link_preview);
    const m = b.message;
    if (!m || typeof m !== 'object' || Array.isArray(m)) return apiError(400, 'message', 'required', 'message is required');
    const msg = m as Record<string, unknown>;
    const known = [
      'entity_type',
      'entity_id',
      'content',
      'files',
      'buttons',
      'parent_message_id',
      'display_avatar_url',
      'display_name',
      'skip_invite_mentions',
    ];
    // §2 and §9 q2: `link_preview` moved to the top level on 2026-03-21; whether the old place inside
    // `message` still works is open, so the simulator takes the strict reading and refuses it there.
    for (const k of Object.keys(msg)) if (!known.includes(k)) return apiError(400, `message.${k}`, 'invalid', `Unknown parameter ${k}`);
    // §2: `entity_type` defaults to `discussion`, case-insensitive; anything else is 400 `invalid`.
    const entityType =
      msg.entity_type === undefined ? 'discussion' : typeof msg.entity_type === 'string' ? msg.entity_type.toLowerCase() : '';
    if (!ENTITY_TYPES.includes(entityType)) return apiError(400, 'message.entity_type', 'invalid', 'Unknown entity type', msg.entity_type);
    // §2: `entity_id` (int32) and `content` are required.
    if (!int32(msg.entity_id))
      return apiError(
        400,
        'message.entity_id',
        msg.entity_id === undefined ? 'required' : 'invalid',
        'entity_id must be an integer',
        msg.entity_id ?? null,
      );
    if (typeof msg.content !== 'string')
      return apiError(400, 'message.content', msg.content === undefined ? 'required' : 'invalid', 'content is required');
    // §2 Files: each entry has `key`, `name`, `file_type`, `size`; the key must have been uploaded (§3)
    // and the name's extension must equal the key's (422 `wrong_params`).
    const files = msg.files ?? [];
    if (!Array.isArray(files)) return apiError(400, 'message.files', 'invalid', 'files must be an array');
    if (!msg.content.trim() && files.length === 0) return apiError(422, 'message.content', 'blank', 'Message text cannot be empty');
    for (const [i, f] of files.entries()) {
      const at = `message.files.${i}`;
      if (!f || typeof f !== 'object') return apiError(400, at, 'invalid', 'file must be an object');
      const file = f as Record<string, unknown>;
      for (const k of ['key', 'name', 'file_type', 'size'])
        if (file[k] === undefined) return apiError(400, `${at}.${k}`, 'required', `${k} is required`);
      if (typeof file.key !== 'string' || typeof file.name !== 'string' || !int32(file.size))
        return apiError(400, at, 'invalid', 'key and name are strings, size an integer');
      if (!FILE_TYPES.includes(String(file.file_type)))
        return apiError(400, `${at}.file_type`, 'invalid', 'Unknown file type', file.file_type);
      if (!this.uploads.some((u) => u.key === file.key))
        return apiError(422, `${at}.key`, 'not_found', 'No uploaded file with this key', file.key);
      if (ext(file.key) !== ext(file.name))
        return apiError(422, `${at}.name`, 'wrong_params', 'The name’s extension must match the key’s', file.name);
    }
    // §4: rows of buttons, each `{text, url}` or `{text, data}`.
    const buttons = msg.buttons ?? [];
    if (!Array.isArray(buttons) || buttons.some((r) => !Array.isArray(r)))
      return apiError(400, 'message.buttons', 'invalid', 'buttons must be an array of rows');
    const rows = buttons as unknown[][];
    // §4 and §9 q1: the strictest reading of the button limits.
    if (rows.reduce((n, r) => n + r.length, 0) > BUTTONS_MAX)
      return apiError(400, 'message.buttons', 'invalid', `At most ${BUTTONS_MAX} buttons`);
    if (rows.length > BUTTON_ROWS_MAX) return apiError(400, 'message.buttons', 'invalid', `At most ${BUTTON_ROWS_MAX} rows of buttons`);
    for (const [r, row] of rows.entries()) {
      if (row.length > BUTTONS_PER_ROW_MAX)
        return apiError(400, `message.buttons.${r}`, 'invalid', `At most ${BUTTONS_PER_ROW_MAX} buttons in a row`);
      for (const [c, btn] of row.entries()) {
        const at = `message.buttons.${r}.${c}`;
        if (!btn || typeof btn !== 'object' || Array.isArray(btn)) return apiError(400, at, 'invalid', 'button must be an object');
        const bt = btn as Record<string, unknown>;
        for (const k of Object.keys(bt))
          if (!['text', 'url', 'data'].includes(k)) return apiError(400, `${at}.${k}`, 'invalid', `Unknown button parameter ${k}`);
        if (typeof bt.text !== 'string' || !bt.text) return apiError(400, `${at}.text`, 'blank', 'Button text is required');
        if (codePoints(bt.text) > BUTTON_TEXT_MAX) return apiError(400, `${at}.text`, 'too_long', 'Button text is too long');
        if ((bt.url === undefined) === (bt.data === undefined)) return apiError(400, at, 'invalid', 'A button has either url or data');
        if (bt.url !== undefined && (typeof bt.url !== 'string' || !/^https?:\/\/\S+$/.test(bt.url)))
          return apiError(400, `${at}.url`, 'invalid', 'url must be an http(s) link');
        if (bt.data !== undefined && (typeof bt.data !== 'string' || codePoints(bt.data) > BUTTON_DATA_MAX))
          return apiError(400, `${at}.data`, 'too_long', 'Button data is too long');
      }
    }
    // §2: `parent_message_id` int32; display fields ≤ 255 and for bot tokens only (§1).
    if (msg.parent_message_id !== undefined && !int32(msg.parent_message_id))
      return apiError(400, 'message.parent_message_id', 'invalid', 'parent_message_id must be an integer');
    for (const k of ['display_name', 'display_avatar_url'] as const) {
      if (msg[k] === undefined) continue;
      if (typeof msg[k] !== 'string' || codePoints(msg[k]) > DISPLAY_MAX)
        return apiError(400, `message.${k}`, 'too_long', `${k} is at most 255 characters`);
      if (!this.botTokens.has(token)) return apiError(403, `message.${k}`, 'forbidden', `${k} is available to bot tokens only`);
    }
    if (msg.skip_invite_mentions !== undefined && typeof msg.skip_invite_mentions !== 'boolean')
      return apiError(400, 'message.skip_invite_mentions', 'invalid', 'skip_invite_mentions must be a boolean');

    // §5: 201 with `{data: Message}`.
    const id = ++this.seq;
    const saved: PachcaSimMessage = {
      id,
      entityType,
      entityId: msg.entity_id,
      content: msg.content,
      buttons: msg.buttons ?? null,
      files: files as PachcaSimMessage['files'],
      skipInviteMentions: msg.skip_invite_mentions === true,
      linkPreview: b.link_preview === true,
      at: Date.now(),
      ...(msg.parent_message_id !== undefined ? { parentMessageId: msg.parent_message_id } : {}),
      ...(msg.display_name !== undefined ? { displayName: msg.display_name as string } : {}),
      ...(msg.display_avatar_url !== undefined ? { displayAvatarUrl: msg.display_avatar_url as string } : {}),
    };
    this.messages.push(saved);
    const chatId = entityType === 'user' ? personalChatOf(saved.entityId) : saved.entityId;
    return {
      status: 201,
      body: {
        data: {
          id,
          entity_type: entityType,
          entity_id: saved.entityId,
          chat_id: chatId,
          root_chat_id: chatId,
          content: saved.content,
          user_id: 12,
          created_at: new Date().toISOString(),
          url: `https://app.pachca.com/chats/${chatId}?message=${id}`,
          files: saved.files.map((f, i) => ({
            id: id * 100 + i,
            key: f.key,
            name: f.name,
            file_type: f.file_type,
            url: `https://files.example/${f.key}`,
          })),
          buttons: saved.buttons,
          thread: null,
          forwarding: null,
          parent_message_id: saved.parentMessageId ?? null,
          changed_at: new Date().toISOString(),
          deleted_at: null,
          ...(this.botTokens.has(token)
            ? { display_avatar_url: saved.displayAvatarUrl ?? null, display_name: saved.displayName ?? null }
            : {}),
        },
      },
    };
  }
}
