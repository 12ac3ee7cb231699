import { boundaryOf, parseMultipart } from './multipart.ts';
import { createHash } from 'node:crypto';
import { MarketReadSide, type MarketReadOptions } from './market-read.ts';
import { header, mediaType, SimServer, type ReceivedRequest, type SimResponse } from './server.ts';

/**
 * Yandex Market Partner API chat methods (yandex-market.md, seeds 002/003, the official OpenAPI)
 * as a strict loopback server:
 * - `POST /v2/businesses/{businessId}/chats/message?chatId=` with JSON `{"message": "…"}`, 1–4096 characters;
 * - `POST /v2/businesses/{businessId}/chats/file/send?chatId=` with `multipart/form-data`, one part `file` ≤ 5 MB;
 * - `POST /v2/auth/token` and `POST /v2/businesses/{businessId}/settings`, the read-only calls a
 *   connection check uses.
 * It refuses what the documented API refuses, with the error catalogue's words: missing or
 * malformed credentials (401), a token without the `communication` scope or a foreign cabinet
 * (403), an unknown chat (404), a wrong HTTP method (405), a missing or wrong content type (415),
 * the resource quota (420, with the `X-RateLimit-Resource-*` headers on every answer), bodies
 * over 512 KB (the file method: over its 5 MB file plus part headers), and every schema rule.
 * The unversioned `/businesses/…` path answers 404: the console must never depend on it.
 */
export const marketScopes = [
  'ALL_METHODS',
  'ALL_METHODS_READ_ONLY',
  'INVENTORY_AND_ORDER_PROCESSING',
  'INVENTORY_AND_ORDER_PROCESSING_READ_ONLY',
  'PRICING',
  'PRICING_READ_ONLY',
  'OFFERS_AND_CARDS_MANAGEMENT',
  'OFFERS_AND_CARDS_MANAGEMENT_READ_ONLY',
  'PROMOTION',
  'PROMOTION_READ_ONLY',
  'FINANCE_AND_ACCOUNTING',
  'COMMUNICATION',
  'SETTINGS_MANAGEMENT',
  'SUPPLIES_MANAGEMENT_READ_ONLY',
] as const;
export type MarketScope = (typeof marketScopes)[number];

/**
 * §2 and the spec's `SendMessageToChatRequest`: `message` has `minLength: 1, maxLength: 4096`,
 * counted as JSON Schema counts, in code points (an emoji is one character).
 */
const TEXT_MIN = 1;
const TEXT_MAX = 4096;
/**
 * §2 and §5: the file part is at most "5 MB". Market measures sizes in binary units (its 512 KB
 * body cap is 512 × 1024), so 5 × 1024 × 1024 bytes.
 */
const FILE_MAX_BYTES = 5 * 1024 * 1024;
/**
 * §5: 512 KB general request body cap (400 "The request is too big"). §8 q4 asks whether it also
 * binds the file method; the method's own documented 5 MB would then be unreachable, so the
 * simulator holds the file method to 5 MB and every other method to 512 KB.
 */
const BODY_MAX_BYTES = 512 * 1024;
/** §5: 1 000 requests per hour per cabinet and method (`x-resource-limit-config`). */
const REQUESTS_PER_HOUR = 1000;
/** §1: `businessId` (path) and `chatId` (query) are int64 ≥ 1, written in digits. */
const INT64_MAX = 9_223_372_036_854_775_807n;
function isMarketId(value: string): boolean {
  return /^[1-9]\d{0,18}$/.test(value) && BigInt(value) <= INT64_MAX;
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Room for the multipart delimiters and part headers around the 5 MB file. */
const MULTIPART_OVERHEAD = 64 * 1024;
const HOUR_MS = 3_600_000;

export interface MarketSimOptions {
  /** Api-Key tokens the simulator accepts. */
  tokens: readonly string[];
  /** Scopes per token; a token not listed has `ALL_METHODS`. */
  scopes?: Readonly<Record<string, readonly MarketScope[]>>;
  /** Deprecated OAuth tokens accepted as `Authorization: Bearer …`; none by default. */
  oauthTokens?: readonly string[];
  /** Cabinets the tokens may use; any cabinet when absent. */
  businesses?: readonly string[];
  /** Chats that exist; any chat when absent. */
  chats?: readonly string[];
  /** Requests per hour per cabinet and method (1 000 documented); lower it to reach 420 in a test. */
  resourceLimit?: number;
  now?: () => number;
  read?: MarketReadOptions;
}

export interface MarketSimMessage {
  businessId: string;
  chatId: string;
  text: string;
  at: number;
}

export interface MarketSimFile {
  businessId: string;
  chatId: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  at: number;
}

interface Quota {
  used: number;
  windowStart: number;
}

function apiError(status: number, code: string, message: string, headers: Record<string, string> = {}): SimResponse {
  return { status, headers, body: { status: 'ERROR', errors: [{ code, message }] } };
}

// ---------------------------------------------------------------------------------------------

export class MarketSimulator {
  readonly server = new SimServer();
  readonly messages: MarketSimMessage[] = [];
  readonly files: MarketSimFile[] = [];
  private readonly tokens: ReadonlySet<string>;
  private readonly oauthTokens: ReadonlySet<string>;
  private readonly scopes: Readonly<Record<string, readonly MarketScope[]>>;
  private readonly businesses: ReadonlySet<string> | undefined;
  private readonly chats: ReadonlySet<string> | undefined;
  private readonly quotas = new Map<string, Quota>();
  private readonly now: () => number;
  resourceLimit: number;
  readonly read: MarketReadSide;

  constructor(opts: MarketSimOptions) {
    this.tokens = new Set(opts.tokens);
    this.oauthTokens = new Set(opts.oauthTokens ?? []);
    this.scopes = opts.scopes ?? {};
    this.businesses = opts.businesses ? new Set(opts.businesses) : undefined;
    this.chats = opts.chats ? new Set(opts.chats) : undefined;
    this.resourceLimit = opts.resourceLimit ?? REQUESTS_PER_HOUR;
    this.now = opts.now ?? Date.now;
    const methods = ['GET', 'PUT', 'PATCH', 'DELETE'];
    const chatMethods: [string, (req: ReceivedRequest, businessId: string) => SimResponse][] = [
      ['/v2/businesses/{businessId}/chats/message', (req, b) => this.sendMessage(req, b)],
      ['/v2/businesses/{businessId}/chats/file/send', (req, b) => this.sendFile(req, b)],
      ['/v2/businesses/{businessId}/settings', (req, b) => this.businessSettings(req, b)],
    ];
    for (const [path, handle] of chatMethods) {
      this.server.route('POST', path, (req, p) => handle(req, p.businessId ?? ''));
      for (const m of methods) this.server.route(m, path, () => apiError(405, 'METHOD_NOT_ALLOWED', `Request method '${m}' not supported`));
    }
    this.server.route('POST', '/v2/auth/token', (req) => this.tokenInfo(req));
    this.read = new MarketReadSide(
      this.server,
      { texts: this.messages, files: this.files },
      (req, b) => this.readRefusal(req, b),
      this.now,
      opts.read,
    );
    for (const old of ['/businesses/{businessId}/chats/message', '/businesses/{businessId}/chats/file/send']) {
      this.server.route('POST', old, () => apiError(404, 'NOT_FOUND', 'Method version not found: use /v2'));
    }
  }

  start(port = 0): Promise<string> {
    return this.server.start(port);
  }
  stop(): Promise<void> {
    return this.server.stop();
  }

  /** §3: `Api-Key` (no `Bearer` prefix) or the deprecated OAuth Bearer; the catalogue's 401/403 words. */
  private authenticate(req: ReceivedRequest): { token: string; apiKey: boolean } | SimResponse {
    const apiKey = header(req, 'api-key');
    const authorization = header(req, 'authorization');
    if (apiKey !== undefined) {
      if (/^bearer\s/i.test(apiKey)) return apiError(401, 'UNAUTHORIZED', 'Api-Key token prefix invalid');
      if (!this.tokens.has(apiKey)) return apiError(401, 'UNAUTHORIZED', 'Api-Key token is invalid');
      return { token: apiKey, apiKey: true };
    }
    if (authorization !== undefined) {
      const m = /^(\S+)\s+(\S+)$/.exec(authorization);
      if (!m) return apiError(401, 'UNAUTHORIZED', 'Authorization header has invalid syntax');
      if (m[1]!.toLowerCase() !== 'bearer' && m[1]!.toLowerCase() !== 'oauth')
        return apiError(401, 'UNAUTHORIZED', 'Unsupported authorization type specified in Authorization header');
      if (!this.oauthTokens.has(m[2]!)) return apiError(403, 'FORBIDDEN', 'OAuth token is invalid');
      return { token: m[2]!, apiKey: false };
    }
    return apiError(401, 'UNAUTHORIZED', 'Credentials are not specified');
  }

  private scopesOf(token: string, apiKey: boolean): readonly MarketScope[] {
    return apiKey ? (this.scopes[token] ?? ['ALL_METHODS']) : ['ALL_METHODS'];
  }

  /** Counts a request against the cabinet's hourly quota of one method; the headers every answer carries. */
  private quota(businessId: string, resource: string): { headers: Record<string, string>; exceeded: boolean; count(): void } {
    const key = `${businessId}:${resource}`;
    const now = this.now();
    let q = this.quotas.get(key);
    if (!q || now >= q.windowStart + HOUR_MS) {
      q = { used: 0, windowStart: now };
      this.quotas.set(key, q);
    }
    const quota = q;
    const headers = (): Record<string, string> => ({
      'x-ratelimit-resource-limit': String(this.resourceLimit),
      'x-ratelimit-resource-remaining': String(Math.max(0, this.resourceLimit - quota.used)),
      'x-ratelimit-resource-until': new Date(quota.windowStart + HOUR_MS).toUTCString(),
    });
    const result = {
      headers: headers(),
      exceeded: quota.used >= this.resourceLimit,
      count: () => {
        quota.used++;
        result.headers = headers();
      },
    };
    return result;
  }

  /** The read methods' checks (§9.1: scopes `communication`, `all-methods` or `all-methods:read-only`). */
  private readRefusal(req: ReceivedRequest, businessId: string): SimResponse | undefined {
    const auth = this.authenticate(req);
    if ('status' in auth) return auth;
    if (!this.scopesOf(auth.token, auth.apiKey).some((s) => s === 'ALL_METHODS' || s === 'ALL_METHODS_READ_ONLY' || s === 'COMMUNICATION'))
      return apiError(403, 'FORBIDDEN', 'Token does not have any of the scopes to access the API method: all-methods, communication');
    if (!isMarketId(businessId))
      return apiError(400, 'BAD_REQUEST', `Value of field (businessId) must be an integer greater than or equal to 1`);
    if (this.businesses && !this.businesses.has(businessId)) return apiError(403, 'FORBIDDEN', 'Access denied');
    return undefined;
  }

  /** The checks both chat methods share, in the order the API applies them. */
  private chatPreamble(
    req: ReceivedRequest,
    businessId: string,
    resource: string,
  ): { chatId: string; q: ReturnType<MarketSimulator['quota']> } | SimResponse {
    const auth = this.authenticate(req);
    if ('status' in auth) return auth;
    // §3: both chat methods need the `communication` or `all-methods` access.
    if (!this.scopesOf(auth.token, auth.apiKey).some((s) => s === 'ALL_METHODS' || s === 'COMMUNICATION')) {
      return apiError(403, 'FORBIDDEN', 'Token does not have any of the scopes to access the API method: all-methods, communication');
    }
    if (!isMarketId(businessId))
      return apiError(
        400,
        'BAD_REQUEST',
        `Value of field (businessId) must be an integer greater than or equal to 1: '${businessId.slice(0, 40)}'`,
      );
    if (this.businesses && !this.businesses.has(businessId)) return apiError(403, 'FORBIDDEN', 'Access denied');
    // §5: over the hourly resource quota → 420 with the `X-RateLimit-Resource-*` headers; 4xx answers count too.
    const q = this.quota(businessId, resource);
    if (q.exceeded)
      return apiError(
        420,
        'REQUEST_LIMIT_EXCEEDED',
        `Hit rate limit of ${this.resourceLimit} requests per 1 hour for resource ${resource}`,
        q.headers,
      );
    const refuse = (r: SimResponse): SimResponse => {
      q.count();
      return { ...r, headers: { ...q.headers, ...r.headers } };
    };
    // §1: `chatId` is a required int64 ≥ 1 query parameter.
    const chatIds = req.query.getAll('chatId');
    if (chatIds.length === 0) return refuse(apiError(400, 'MISSING_PARAM', 'Missing field: chatId'));
    if (chatIds.length > 1 || !isMarketId(chatIds[0]!))
      return refuse(
        apiError(
          400,
          'BAD_REQUEST',
          `Value of field (chatId) must be an integer greater than or equal to 1: '${chatIds.join(',').slice(0, 40)}'`,
        ),
      );
    return { chatId: chatIds[0]!, q };
  }

  private answer(q: ReturnType<MarketSimulator['quota']>, r: SimResponse): SimResponse {
    q.count();
    return { ...r, headers: { ...q.headers, ...r.headers } };
  }

  private sendMessage(req: ReceivedRequest, businessId: string): SimResponse {
    const pre = this.chatPreamble(req, businessId, 'sendMessageToChat');
    if ('status' in pre) return pre;
    const { chatId, q } = pre;
    // §4: 415 for a missing or foreign content type; §1: the text method takes JSON.
    const type = mediaType(req);
    if (!type) return this.answer(q, apiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Missing Content-Type'));
    if (type !== 'application/json') return this.answer(q, apiError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content type '${type}' not supported`));
    if (req.body.length > BODY_MAX_BYTES)
      return this.answer(q, apiError(400, 'BAD_REQUEST', `The request is too big: ${req.body.length} bytes, at most ${BODY_MAX_BYTES}`));
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(req.body)) as unknown;
    } catch (e) {
      return this.answer(
        q,
        apiError(400, 'BAD_REQUEST', req.body.length === 0 ? 'Unexpected end of content' : `JSON: ${(e as Error).message}`),
      );
    }
    if (!body || typeof body !== 'object' || Array.isArray(body))
      return this.answer(q, apiError(400, 'BAD_REQUEST', 'JSON: the body must be an object'));
    const message = (body as { message?: unknown }).message;
    if (message === undefined || message === null) return this.answer(q, apiError(400, 'BAD_REQUEST', 'Missing field: message'));
    if (typeof message !== 'string') return this.answer(q, apiError(400, 'BAD_REQUEST', 'JSON: field (message) must be a string'));
    const length = codePoints(message);
    if (length < TEXT_MIN || length > TEXT_MAX) {
      return this.answer(q, apiError(400, 'BAD_REQUEST', `Length of field (message) must be between ${TEXT_MIN} and ${TEXT_MAX}`));
    }
    if (this.chats && !this.chats.has(chatId)) return this.answer(q, apiError(404, 'NOT_FOUND', `Chat not found: ${chatId}`));
    this.messages.push({ businessId, chatId, text: message, at: this.now() });
    return this.answer(q, { status: 200, body: { status: 'OK' } });
  }

  private sendFile(req: ReceivedRequest, businessId: string): SimResponse {
    const pre = this.chatPreamble(req, businessId, 'sendFileToChat');
    if ('status' in pre) return pre;
    const { chatId, q } = pre;
    const type = mediaType(req);
    if (!type) return this.answer(q, apiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Missing Content-Type'));
    // §1 and §2: the file method takes `multipart/form-data` with one part `file`.
    if (type !== 'multipart/form-data')
      return this.answer(q, apiError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content type '${type}' not supported`));
    const boundary = boundaryOf(header(req, 'content-type') ?? '');
    if (!boundary) return this.answer(q, apiError(400, 'BAD_REQUEST', 'Could not parse multipart request: no boundary'));
    if (req.body.length > FILE_MAX_BYTES + MULTIPART_OVERHEAD)
      return this.answer(q, apiError(400, 'BAD_REQUEST', `The request is too big: ${req.body.length} bytes`));
    const parts = parseMultipart(req.body, boundary);
    if ('error' in parts) return this.answer(q, apiError(400, 'BAD_REQUEST', `Could not parse multipart request: ${parts.error}`));
    const files = parts.filter((p) => p.name === 'file');
    if (files.length === 0) return this.answer(q, apiError(400, 'BAD_REQUEST', 'Missing field: file'));
    if (files.length > 1) return this.answer(q, apiError(400, 'BAD_REQUEST', 'Only one file may be sent at a time'));
    const file = files[0]!;
    if (file.filename === undefined) return this.answer(q, apiError(400, 'BAD_REQUEST', 'Field (file) must be a file'));
    if (file.data.length === 0) return this.answer(q, apiError(400, 'BAD_REQUEST', 'File is empty'));
    if (file.data.length > FILE_MAX_BYTES)
      return this.answer(q, apiError(400, 'BAD_REQUEST', `File is too big: ${file.data.length} bytes, at most 5 MB`));
    if (this.chats && !this.chats.has(chatId)) return this.answer(q, apiError(404, 'NOT_FOUND', `Chat not found: ${chatId}`));
    this.files.push({
      businessId,
      chatId,
      name: file.filename,
      contentType: file.contentType ?? 'application/octet-stream',
      size: file.data.length,
      sha256: createHash('sha256').update(file.data).digest('hex'),
      at: this.now(),
    });
    return this.answer(q, { status: 200, body: { status: 'OK' } });
  }

  private tokenInfo(req: ReceivedRequest): SimResponse {
    const auth = this.authenticate(req);
    if ('status' in auth) return auth;
    if (!auth.apiKey) return apiError(400, 'BAD_REQUEST', 'The method is available for Api-Key tokens only');
    return {
      status: 200,
      body: { status: 'OK', result: { apiKey: { name: 'Sandbox token', authScopes: this.scopesOf(auth.token, true) } } },
    };
  }

  private businessSettings(req: ReceivedRequest, businessId: string): SimResponse {
    const auth = this.authenticate(req);
    if ('status' in auth) return auth;
    if (!isMarketId(businessId))
      return apiError(
        400,
        'BAD_REQUEST',
        `Value of field (businessId) must be an integer greater than or equal to 1: '${businessId.slice(0, 40)}'`,
      );
    if (this.businesses && !this.businesses.has(businessId)) return apiError(403, 'FORBIDDEN', 'Access denied');
    return {
      status: 200,
      body: {
        status: 'OK',
        result: { info: { id: Number(businessId), name: `Кабинет ${businessId}` }, settings: { onlyDefaultPrice: false, currency: 'RUR' } },
      },
    };
  }
}
