import { ReadableStream } from 'node:stream/web';
import type { z } from 'zod';
import type { SendError } from '../../shared/errors.ts';
import type { Exchange } from '../../shared/sends.ts';
import { redactText } from './redact.ts';

/** Bodies kept in history are capped: enough to read an error, never a whole upload. */
export const HISTORY_BODY_CAP = 16 * 1024;
/** A provider reply larger than this is cut off and treated as malformed. */
export const RESPONSE_BODY_CAP = 1024 * 1024;

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  /** A string or bytes, or a stream for uploads (then `contentLength` is required). */
  body?: string | Uint8Array | AsyncIterable<Uint8Array>;
  contentLength?: number;
  /** How the body appears in history when it is not plain text (files by name, size and SHA-256). */
  bodyForHistory?: string;
}

/**
 * Why a request never left this machine. `dns`, `tls` and `header` do not mend by waiting (a name
 * that does not resolve, a certificate this machine does not trust, a token a header cannot
 * carry); `connect` (refused, unreachable, connect timeout) may, so a repeat is worth trying.
 */
export type LocalCause = 'dns' | 'tls' | 'header' | 'connect';

/**
 * The one HTTP interface adapters use: Node's `fetch` in tests and the harness (which honours
 * HTTPS_PROXY/NO_PROXY there), the session's `net.fetch` in the app (the system proxy, PAC and the
 * OS trust store). It must send a given `content-length` as is, so streamed uploads keep exact lengths.
 */
export type HttpFetch = (url: string, init: RequestInit & { duplex?: 'half' }) => Promise<Response>;

export type HttpOutcome =
  | { ok: true; status: number; headers: Headers; text: string; truncated: boolean; exchange: Exchange }
  /** `not_reached`: the provider provably never received the request, so repeating it is safe. */
  | { ok: false; reached: 'not_reached'; local: LocalCause; error: SendError; exchange: Exchange }
  | { ok: false; reached: 'maybe'; error: SendError; exchange: Exchange };

const CONNECT_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
/** OpenSSL's certificate verdicts and Node's TLS codes: the handshake failed, so no request was written. */
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_|HOSTNAME_MISMATCH$|EPROTO$)/;

function localCause(code: string | undefined): LocalCause | undefined {
  if (!code) return undefined;
  if (DNS_CODES.has(code)) return 'dns';
  if (TLS_CODE.test(code)) return 'tls';
  if (CONNECT_CODES.has(code)) return 'connect';
  return undefined;
}

/** A header value fetch can put on the wire as it is: visible ASCII, spaces and tabs. */
const SENDABLE_HEADER = /^[\t\x20-\x7e]*$/;

function localError(cause: LocalCause, code: string, host: string, header?: string): SendError {
  switch (cause) {
    case 'dns':
      return {
        kind: 'network',
        reason: 'dns_failed',
        message: `The name ${host} could not be resolved on this machine (${code}); nothing was sent.`,
        providerCode: code,
      };
    case 'tls':
      return {
        kind: 'network',
        reason: 'tls_failed',
        message: `This machine did not accept the TLS certificate of ${host} (${code}); nothing was sent.`,
        providerCode: code,
      };
    case 'header': {
      const credential = header === 'authorization' || header === 'api-key';
      return {
        kind: credential ? 'unauthorized' : 'invalid',
        reason: credential ? 'token_unsendable' : 'bad_header_value',
        message: `The ${header} header holds a character HTTP cannot carry (a space, line break or non-ASCII letter); nothing was sent.`,
      };
    }
    case 'connect':
      return {
        kind: 'network',
        reason: 'not_reached',
        message: `The provider could not be reached (${code}); nothing was sent.`,
        providerCode: code,
      };
  }
}

function causeCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function headerRecord(h: Headers | Record<string, string>, secrets: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = h instanceof Headers ? [...h.entries()] : Object.entries(h);
  for (const [k, v] of entries) {
    const lower = k.toLowerCase();
    out[lower] =
      lower === 'authorization' || lower === 'api-key'
        ? `${v.split(' ')[0] === v ? '' : v.split(' ')[0] + ' '}‹redacted›`
        : redactText(v, secrets);
  }
  return out;
}

function cap(text: string): string {
  return text.length > HISTORY_BODY_CAP ? `${text.slice(0, HISTORY_BODY_CAP)}… [${text.length - HISTORY_BODY_CAP} more characters]` : text;
}

async function readCapped(res: Response): Promise<{ text: string; truncated: boolean }> {
  if (!res.body) return { text: '', truncated: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > RESPONSE_BODY_CAP) {
      truncated = true;
      await reader.cancel().catch(() => {});
      break;
    }
    chunks.push(value);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated };
}

/**
 * One HTTP exchange with a provider. Records it for history with every secret redacted, and
 * tells a request that never reached the provider apart from one whose fate is unknown.
 * `displayUrl` is the URL as history may show it (Green-API puts its token in the path).
 */
export async function httpExchange(
  req: HttpRequest,
  opts: { secrets: readonly string[]; timeoutMs: number; signal?: AbortSignal; displayUrl?: string; fetch?: HttpFetch | undefined },
): Promise<HttpOutcome> {
  const startedAt = Date.now();
  const t0 = performance.now();
  const exchange: Exchange = {
    method: req.method,
    url: redactText(opts.displayUrl ?? req.url, opts.secrets),
    requestHeaders: headerRecord(req.headers, opts.secrets),
    requestBody: cap(
      redactText(req.bodyForHistory ?? (typeof req.body === 'string' ? req.body : req.body ? '[binary body]' : ''), opts.secrets),
    ),
    startedAt,
    durationMs: 0,
  };
  const host = URL.canParse(req.url) ? new URL(req.url).host : 'the provider';
  const unsendable = Object.entries(req.headers).find(([, v]) => !SENDABLE_HEADER.test(v));
  if (unsendable)
    return {
      ok: false,
      reached: 'not_reached',
      local: 'header',
      exchange,
      error: localError('header', '', host, unsendable[0].toLowerCase()),
    };
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  let res: Response;
  try {
    const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers: req.headers, signal, redirect: 'manual' };
    if (req.body !== undefined) {
      if (typeof req.body === 'string' || req.body instanceof Uint8Array) init.body = req.body as BodyInit;
      else {
        // A ReadableStream, not the iterable itself: fetch copies every chunk of an async
        // iterable into a new Uint8Array, which doubled the garbage of a 5 MB upload.
        init.body = ReadableStream.from(req.body) as unknown as BodyInit;
        init.duplex = 'half';
      }
    }
    res = await (opts.fetch ?? fetch)(req.url, init);
  } catch (e) {
    exchange.durationMs = performance.now() - t0;
    const code = causeCode(e);
    const cause = localCause(code);
    if (cause && code) return { ok: false, reached: 'not_reached', local: cause, exchange, error: localError(cause, code, host) };
    const timedOut = timeout.aborted;
    return {
      ok: false,
      reached: 'maybe',
      exchange,
      error: {
        kind: 'outcome_unknown',
        reason: timedOut ? 'timeout' : 'connection_lost',
        message: timedOut
          ? `No answer within ${Math.round(opts.timeoutMs / 1000)} s; the provider may have received the message.`
          : `The connection was lost (${code ?? 'unknown'}); the provider may have received the message.`,
        ...(code ? { providerCode: code } : {}),
      },
    };
  }
  let body: { text: string; truncated: boolean };
  try {
    body = await readCapped(res);
  } catch (e) {
    // The status line arrived, so the provider answered; only the body was lost.
    body = { text: '', truncated: true };
    void e;
  }
  exchange.durationMs = performance.now() - t0;
  exchange.status = res.status;
  exchange.responseHeaders = headerRecord(res.headers, opts.secrets);
  exchange.responseBody = cap(redactText(body.text, opts.secrets));
  return { ok: true, status: res.status, headers: res.headers, text: body.text, truncated: body.truncated, exchange };
}

/** Parses a provider's JSON body; `undefined` for anything that is not JSON (HTML error pages, cut bodies). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A provider's JSON reply read through a schema at the edge: the value the schema produced, or
 * `undefined` for anything else (not JSON, cut off, or another shape).
 */
export function readReply<T>(text: string, schema: z.ZodType<T>): T | undefined {
  const r = schema.safeParse(parseJson(text));
  return r.success ? r.data : undefined;
}

/** The epoch time a `Retry-After` header names (seconds or an HTTP date), or `undefined` without a readable one. */
export function retryAfterUntil(headers: Headers, now: number): number | undefined {
  const v = headers.get('retry-after')?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return now + Math.round(Number(v) * 1000);
  const d = Date.parse(v);
  return Number.isNaN(d) ? undefined : Math.max(now, d);
}

/** Retry-After in seconds or as an HTTP date, as an epoch time; `fallbackMs` when absent or unreadable. */
export function retryAtFrom(headers: Headers, now: number, fallbackMs: number): number {
  const v = headers.get('retry-after');
  if (v) {
    if (/^\d+(\.\d+)?$/.test(v.trim())) return now + Math.round(Number(v) * 1000);
    const d = Date.parse(v);
    if (!Number.isNaN(d)) return Math.max(now, d);
  }
  return now + fallbackMs;
}

/** A short readable excerpt of a non-JSON reply for the operator (HTML tags dropped). */
export function excerpt(text: string, secrets: readonly string[]): string {
  const plain = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return redactText(plain.length > 300 ? `${plain.slice(0, 300)}…` : plain, secrets);
}
