import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { type SendError } from '../../shared/errors.ts';
import { isOperatorError } from '../../shared/operator-error.ts';
import {
  base64Length,
  checkDiadocMessage,
  diadocLimits,
  withFileNames,
  type DiadocMessage,
  type DiadocTypeInfo,
} from '../../shared/messages/diadoc.ts';
import type { FieldProblem } from '../../shared/messages/problems.ts';
import type { Exchange } from '../../shared/sends.ts';
import { diadocBoxGuids } from './diadoc-box.ts';
import { uploadToShelf } from './diadoc-shelf.ts';
import { diadocTypeBook } from './diadoc-types.ts';
import { excerpt, httpExchange, parseJson, retryAfterUntil, retryAtFrom, type HttpOutcome } from './http.ts';
import { fileAsAttached } from './plumbing/file-bytes.ts';
import { FileChangedError, fileChangedError } from './plumbing/file-changed.ts';
import { problemToError } from './plumbing/problems.ts';
import { rateLimitedResult, type BackoffPolicy } from './plumbing/rate-limit.ts';
import { secretsOf } from './plumbing/secrets.ts';
import { meaningOfStatus, type StatusMeaning } from './plumbing/status.ts';
import { transportResult } from './plumbing/transport.ts';
import type { AdapterAccount, AdapterContext, AdapterJournal, AttemptResult, LocalFile, ProviderAdapter } from './types.ts';
import { listPreview } from '../../shared/send-labels.ts';

/**
 * Kontur Diadoc adapter: `POST {base}/V3/PostMessage?operationId=…` with one JSON `MessageToPost`
 * (diadoc.md §1–9). Files up to the 500 KB inline advice go inline as base64, streamed from disk;
 * larger ones go to the shelf first in parts (diadoc-shelf.ts, §12.3) and the message names them
 * in `NameOnShelf`. Metadata follows the box's document types (diadoc-types.ts, §12.2): `FileName`
 * from the file where the type takes it, nothing a type reads from its content.
 *
 * Every repeat carries the send's operationId, and Diadoc answers a repeated id with the result
 * of the first success (seed 000, §4). So anything that leaves the outcome open is `retry`, never
 * `unknown`: a timeout, a dropped connection, a 200 whose body cannot be read, a 204, a 5xx. The
 * outbox bounds the total wait and only then asks the operator. Giving up with `failed` instead
 * would push the operator to "send again", which takes a new operationId: the one way to a
 * duplicate.
 *
 * Decisions on the sheet's open questions (§11):
 * 1. OIDC: the console runs no OIDC flow of its own (the provider and scope are unconfirmed). The
 *    operator pastes an access token from Kontur's OpenID provider and it goes out as
 *    `Authorization: Bearer …`; an expired one comes back as 401 and the operator replaces it.
 * 2. Legacy `DiadocAuth` stays selectable for integrators who still hold a developer key; it is
 *    sent as the SDK sends it (`ddauth_api_client_id=…,ddauth_token=…`, no space after the comma).
 * 3. Enum form on JSON input: the adapter sends no enum at all (`LockPacket` instead of
 *    `LockMode`), so the question never reaches the wire. Replies are read with names or numbers.
 * 4. Error body: read as text, whatever it is. An XML `<error><code/><message/><description/>`
 *    envelope or a JSON `{Message}` is unpacked, HTML is reduced to its text, and the
 *    `X-Diadoc-ErrorCode` header becomes `providerCode` (an XML non-numeric code when the header is
 *    absent). A `DocumentAttachments[i].…` path in the text points the error at `documents.i.…`.
 * 5. 409: "Request processing is in progress" (diadocapi-docs#530) is a concurrent call with the same
 *    operationId, so it is waited out like 204; any other 409 (duplicate, recipient refuses
 *    documents) is a `conflict` the operator must resolve.
 * 6. Unlisted statuses: 413 → `too_large`, 429 → `rate_limited` retry (Retry-After or 30 s), 415 and
 *    other 4xx → refused with the provider's words. 5xx (500 is listed, 502/503/504 come from
 *    gateways) → `provider_error` retried with the same operationId after Retry-After or 30 s.
 * Read side (§12.8): 1. Nonformalized is held to `FileName` only until the box's GetDocumentTypes says
 *    more (the built-in table reads the sheet strictly); the name keeps its extension, with the
 *    characters §12.2 forbids replaced by `_`. 2. The shelf takes parts of 2 MiB through
 *    ShelfUploadPartInit/ShelfUploadPart, below "3 MB" however it is read, and never the single
 *    `/V2/ShelfUpload` whose limit (3 MB or 512 KB) is open. 7. An unsigned normal send is refused
 *    before sending, whether Diadoc would answer 400 or 403.
 * Also: Retry-After is clamped to 1 s…5 min, so a `0` cannot spin and an absurd value cannot park
 * a send beyond the outbox's bound; "70 MB" is read as 70 000 000 bytes (the smaller reading);
 * the request timeout is the account's timeout plus upload time at 256 KiB/s, so a large upload
 * on a slow line is not cut off and repeated forever; checkConnection uses
 * `GET /GetMyOrganizations?autoRegister=false`, because the default `true` may register the user
 * in an organization, which a read-only check must never do.
 */

const PROCESSING_FALLBACK_MS = 5_000;
const SERVER_ERROR_FALLBACK_MS = 30_000;
const TRANSPORT_RETRY_MS = 10_000;
const RETRY_AFTER_MIN_MS = 1_000;
const RETRY_AFTER_MAX_MS = 5 * 60_000;
/** 429 is not documented for PostMessage; when it comes, Retry-After (else 30 s) with a 1 s floor, backoff, and a stop after five in a row. */
const PACE: BackoffPolicy = { baseMs: RETRY_AFTER_MIN_MS, floorMs: RETRY_AFTER_MIN_MS, maxMs: RETRY_AFTER_MAX_MS, cap: 5 };
const UPLOAD_FLOOR_BYTES_PER_S = 256 * 1024;
/**
 * Read size for files: a multiple of 3, so each full chunk encodes to base64 without padding, and
 * small enough that its base64 string (64 KiB) stays in V8’s young generation: 256 KiB strings went
 * to the large-object space, which only a full GC frees, and 40 documents grew the host by 90 MB.
 */
const READ_CHUNK = 3 * 16 * 1024;

function baseOf(account: AdapterAccount): string {
  return account.baseUrl.replace(/\/+$/, '');
}

/** The message's sender box, or the account's default when the composer left it empty. */
function withSenderBox(msg: DiadocMessage, account: AdapterAccount): DiadocMessage {
  if (msg.fromBoxId.trim()) return msg;
  const fallback = account.settings.provider === 'diadoc' ? account.settings.fromBoxId?.trim() : undefined;
  return fallback ? { ...msg, fromBoxId: fallback } : msg;
}

const HEADER_SAFE = /^[\x21-\x7e]+$/;

/** The Authorization header for the account's scheme, or why none can be built. */
export function diadocAuthorization(account: AdapterAccount): { header: string } | { error: SendError } {
  const token = account.secrets.token?.trim() ?? '';
  if (!token) return { error: { kind: 'unauthorized', reason: 'token_missing', message: 'The account has no Diadoc token.' } };
  const legacy = account.settings.provider === 'diadoc' && account.settings.authScheme === 'legacy';
  const clientId = account.secrets.clientId?.trim() ?? '';
  if (legacy && !clientId)
    return {
      error: {
        kind: 'unauthorized',
        reason: 'client_id_missing',
        message: 'The legacy DiadocAuth scheme needs the API client id (developer key) as well as the token.',
      },
    };
  if (!HEADER_SAFE.test(token) || (legacy && !HEADER_SAFE.test(clientId))) {
    return {
      error: {
        kind: 'unauthorized',
        reason: 'token_rejected',
        message: 'The token or client id contains spaces or characters an HTTP header cannot carry.',
      },
    };
  }
  return { header: legacy ? `DiadocAuth ddauth_api_client_id=${clientId},ddauth_token=${token}` : `Bearer ${token}` };
}

// ---------------------------------------------------------------------------------------------
// The request body: JSON text around base64 file content, planned first, streamed later.

type BodyPart = Uint8Array | { file: LocalFile; field: string };

export interface PostMessageBody {
  parts: BodyPart[];
  contentLength: number;
  /** The JSON as history shows it: each file as its name, size and SHA-256, never its bytes. */
  forHistory: string;
}

/**
 * Lays out the `MessageToPost` JSON with a placeholder where each file's base64 goes. Nothing is
 * read from disk here, so the exact request length is known (and checked) before any request.
 */
export function planPostMessageBody(
  msg: DiadocMessage,
  file: (id: string) => LocalFile,
  shelfNames: ReadonlyMap<number, string> = new Map(),
): PostMessageBody {
  const nonce = randomUUID();
  const slots: { file: LocalFile; field: string }[] = [];
  const slot = (id: string, field: string): string => {
    slots.push({ file: file(id), field });
    return `@@file:${nonce}:${slots.length - 1}@@`;
  };
  const body = {
    FromBoxId: msg.fromBoxId.trim(),
    ToBoxId: msg.toBoxId.trim(),
    DocumentAttachments: msg.documents.map((d, i) => {
      const metadata = (d.metadata ?? []).map((m) => ({ Key: m.key.trim(), Value: m.value.trim() }));
      return {
        SignedContent: {
          ...(shelfNames.has(i) ? { NameOnShelf: shelfNames.get(i)! } : { Content: slot(d.file, `documents.${i}.file`) }),
          ...(d.signatureFile ? { Signature: slot(d.signatureFile, `documents.${i}.signatureFile`) } : {}),
        },
        TypeNamedId: d.typeNamedId.trim(),
        ...(d.function?.trim() ? { Function: d.function.trim() } : {}),
        ...(d.version?.trim() ? { Version: d.version.trim() } : {}),
        ...(metadata.length ? { Metadata: metadata } : {}),
        ...(d.comment ? { Comment: d.comment } : {}),
        ...(d.customDocumentId?.trim() ? { CustomDocumentId: d.customDocumentId.trim() } : {}),
        ...(d.needRecipientSignature ? { NeedRecipientSignature: true } : {}),
      };
    }),
    ...(msg.isDraft ? { IsDraft: true } : {}),
    ...(msg.lockPacket ? { LockPacket: true } : {}),
    ...(msg.delaySend ? { DelaySend: true } : {}),
  };
  const json = JSON.stringify(body);
  const pieces = json.split(new RegExp(`@@file:${nonce}:(\\d+)@@`));
  const parts: BodyPart[] = [];
  let contentLength = 0;
  let forHistory = '';
  pieces.forEach((piece, k) => {
    if (k % 2 === 0) {
      const bytes = Buffer.from(piece, 'utf8');
      contentLength += bytes.byteLength;
      forHistory += piece;
      parts.push(bytes);
    } else {
      const s = slots[Number(piece)]!;
      contentLength += base64Length(s.file.size);
      forHistory += `‹${s.file.name}, ${s.file.size} bytes as base64, sha256 ${s.file.sha256.slice(0, 16)}…›`;
      parts.push(s);
    }
  });
  return { parts, contentLength, forHistory };
}

/** One file as base64, read in 3-byte-aligned pieces; refuses a file changed since it was attached (size or SHA-256). */
async function* base64Stream(part: { file: LocalFile; field: string }): AsyncGenerator<Uint8Array> {
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of fileAsAttached(part.file, part.field, READ_CHUNK)) {
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const whole = buf.length - (buf.length % 3);
    if (whole) yield Buffer.from(buf.subarray(0, whole).toString('base64'), 'latin1');
    carry = Buffer.from(buf.subarray(whole));
  }
  if (carry.length) yield Buffer.from(carry.toString('base64'), 'latin1');
}

/** The body as the request sends it: JSON pieces and base64 pieces, one file at a time, never all at once. */
export async function* streamPostMessageBody(
  plan: PostMessageBody,
  progress: (n: number) => void = () => {},
  failed: (e: FileChangedError) => void = () => {},
): AsyncGenerator<Uint8Array> {
  for (const part of plan.parts) {
    if (part instanceof Uint8Array) {
      yield part;
      progress(part.byteLength);
      continue;
    }
    try {
      for await (const piece of base64Stream(part)) {
        yield piece;
        progress(piece.byteLength);
      }
    } catch (e) {
      const err =
        e instanceof FileChangedError
          ? e
          : new FileChangedError(part.field, `${part.file.name} could not be read: ${(e as Error).message}`, part.file.name);
      failed(err);
      throw err;
    }
  }
}

/** Files are checked on disk just before the request: a handle outlives the file it names. */
async function preflightFiles(plan: PostMessageBody): Promise<SendError | undefined> {
  for (const part of plan.parts) {
    if (part instanceof Uint8Array) continue;
    try {
      const info = await stat(part.file.path);
      if (info.size !== part.file.size)
        return {
          kind: 'invalid',
          reason: 'file_changed',
          field: part.field,
          message: `${part.file.name} changed on disk after it was attached (${part.file.size} → ${info.size} bytes); attach it again.`,
        };
    } catch {
      return {
        kind: 'invalid',
        reason: 'file_unreadable',
        field: part.field,
        message: `${part.file.name} can no longer be read from disk; attach it again.`,
      };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Replies.

export interface PostedMessage {
  messageId: string;
  /** Per document in request order: its entity id and, where a signature was sent, the signature's. */
  documents: { entityId: string; signatureEntityId?: string }[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function entityTypeOf(e: Record<string, unknown>): 'attachment' | 'signature' | 'other' {
  const t = e.EntityType;
  if (t === 'Attachment' || t === 1) return 'attachment';
  if (t === 'Signature' || t === 2) return 'signature';
  return 'other';
}

/** Reads a `Message` reply; the document entities are the attachments without a parent (quickstart). */
export function readPostedMessage(text: string): PostedMessage | undefined {
  const json = parseJson(text);
  if (!isRecord(json) || typeof json.MessageId !== 'string' || !json.MessageId) return undefined;
  const entities = Array.isArray(json.Entities) ? json.Entities.filter(isRecord) : [];
  const documents = entities
    .filter((e) => entityTypeOf(e) === 'attachment' && !e.ParentEntityId && typeof e.EntityId === 'string')
    .map((e) => {
      const sig = entities.find(
        (s) => entityTypeOf(s) === 'signature' && s.ParentEntityId === e.EntityId && typeof s.EntityId === 'string',
      );
      return { entityId: e.EntityId as string, ...(sig ? { signatureEntityId: sig.EntityId as string } : {}) };
    });
  return { messageId: json.MessageId, documents };
}

export interface DiadocErrorText {
  code?: string;
  text?: string;
  html: boolean;
}

function xmlTag(text: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'i').exec(text);
  return m?.[1]?.trim() || undefined;
}

/** Unpacks an error body in whichever form Diadoc (or a gateway before it) chose. */
export function readDiadocError(text: string, headers: Headers): DiadocErrorText {
  const header = headers.get('x-diadoc-errorcode')?.trim() || undefined;
  const body = text.trim();
  if (/^<(\?xml[^>]*>\s*<)?error>/i.test(body)) {
    const code = xmlTag(body, 'code');
    const words = [xmlTag(body, 'message'), xmlTag(body, 'description')].filter(Boolean).join(': ');
    const picked = header ?? (code && !/^\d+$/.test(code) ? code : undefined);
    return { ...(picked ? { code: picked } : {}), ...(words ? { text: words } : {}), html: false };
  }
  if (/^<(!doctype|html)/i.test(body) || /<\/(html|body)>/i.test(body))
    return { ...(header ? { code: header } : {}), ...(body ? { text: body } : {}), html: true };
  const json = body.startsWith('{') ? parseJson(body) : undefined;
  if (isRecord(json)) {
    const words = [json.Message, json.message, json.ErrorMessage, json.error_description, json.error, json.description].find(
      (v): v is string => typeof v === 'string' && v.length > 0,
    );
    const code = [json.ErrorCode, json.Code, json.code].find((v): v is string => typeof v === 'string' && v.length > 0);
    const picked = header ?? code;
    return { ...(picked ? { code: picked } : {}), text: words ?? body, html: false };
  }
  return { ...(header ? { code: header } : {}), ...(body ? { text: body } : {}), html: false };
}

const documentFieldNames: Record<string, string> = {
  Content: 'file',
  NameOnShelf: 'file',
  Signature: 'signatureFile',
  TypeNamedId: 'typeNamedId',
  Function: 'function',
  Version: 'version',
  Comment: 'comment',
  CustomDocumentId: 'customDocumentId',
  NeedRecipientSignature: 'needRecipientSignature',
};

/** Points a provider's `DocumentAttachments[3].Metadata[0].Value`-style path at the composer's field. */
export function fieldFromProviderText(text: string): string | undefined {
  const doc = /DocumentAttachments\[(\d+)\]((?:\.\w+(?:\[\d+\])?)*)/.exec(text);
  // §12.2: "Невозможно получить данные по ключу: FileName" and "Provided odd metadata items. Keys: A, B".
  const key = /по ключу:\s*([\w.-]+)|odd metadata items\. Keys:\s*([\w.-]+)/i.exec(text);
  if (doc && key) return `documents.${doc[1]}.meta.${key[1] ?? key[2]}`;
  if (doc) {
    let field = `documents.${doc[1]}`;
    let inMetadata = false;
    for (const seg of (doc[2] ?? '').matchAll(/\.(\w+)(?:\[(\d+)\])?/g)) {
      const [, name = '', index] = seg;
      if (name === 'SignedContent') {
        field += '.file';
        continue;
      }
      if (name === 'Metadata') {
        field += `.metadata${index !== undefined ? `.${index}` : ''}`;
        inMetadata = true;
        continue;
      }
      if (inMetadata && (name === 'Key' || name === 'Value')) return `${field}.${name.toLowerCase()}`;
      const mapped = documentFieldNames[name];
      if (!mapped) break;
      return field.endsWith('.file') ? field.replace(/\.file$/, `.${mapped}`) : `${field}.${mapped}`;
    }
    return field;
  }
  if (/\bFromBoxId\b/.test(text)) return 'fromBoxId';
  if (/\bToBoxId\b/.test(text)) return 'toBoxId';
  if (/\bDocumentAttachments\b/.test(text)) return 'documents';
  return undefined;
}

function clampedRetryAt(headers: Headers, now: number, fallbackMs: number): number {
  const at = retryAtFrom(headers, now, fallbackMs);
  return Math.min(now + RETRY_AFTER_MAX_MS, Math.max(now + RETRY_AFTER_MIN_MS, at));
}

const statusErrors: Record<number, { kind: SendError['kind']; reason: string; message: string }> = {
  400: { kind: 'invalid', reason: 'provider_invalid', message: 'Diadoc refused the message as malformed or incomplete.' },
  401: {
    kind: 'unauthorized',
    reason: 'token_rejected',
    message: 'Diadoc did not accept the credentials: the token (or client id) is missing, wrong or expired.',
  },
  402: { kind: 'payment_required', reason: 'subscription_needed', message: 'The Diadoc API subscription of the sender box has ended.' },
  403: {
    kind: 'forbidden',
    reason: 'box_forbidden',
    message: 'The token has no access to the sender box, or the organization is liquidated.',
  },
  404: { kind: 'not_found', reason: 'wrong_address', message: 'There is no Diadoc method at this address; check the account’s base URL.' },
  405: {
    kind: 'provider_error',
    reason: 'method_not_allowed',
    message: 'Diadoc refused the HTTP method; the base URL probably points somewhere other than the Diadoc API.',
  },
  409: {
    kind: 'conflict',
    reason: 'provider_conflict',
    message: 'Diadoc refused the message as a duplicate, or the recipient does not accept documents from this sender.',
  },
  413: { kind: 'too_large', reason: 'request_too_large', message: 'Diadoc refused the request as too large.' },
  415: { kind: 'invalid', reason: 'unsupported_content_type', message: 'Diadoc did not accept the request’s content type.' },
};

function describeStatus(status: number): StatusMeaning {
  if (status >= 500 && !statusErrors[status])
    return {
      kind: 'provider_error',
      reason: 'provider_generic',
      message: `Diadoc failed with ${status}; the request will be repeated with the same operation id.`,
    };
  return meaningOfStatus(status, 'Diadoc', statusErrors);
}

function errorFromReply(out: Extract<HttpOutcome, { ok: true }>, secrets: readonly string[]): SendError {
  const base = describeStatus(out.status);
  const parsed = readDiadocError(out.text, out.headers);
  let { kind, reason, message } = base;
  if (out.status === 409 && parsed.text && /(blocked senders|only from counteragents|sociability)/i.test(parsed.text)) {
    reason = 'recipient_refuses';
    message = 'The recipient accepts documents only from its counteragents (or has blocked this sender).';
  }
  if (out.truncated) message = `${message} (Diadoc’s reply was too large to read in full.)`;
  else if (parsed.html) message = `${message} The reply was an HTML page, so a proxy or gateway probably answered instead of Diadoc.`;
  const field = out.status === 400 && parsed.text ? fieldFromProviderText(parsed.text) : undefined;
  return {
    kind,
    reason,
    message,
    providerStatus: out.status,
    ...(parsed.code ? { providerCode: parsed.code } : {}),
    ...(parsed.text ? { providerText: excerpt(parsed.text, secrets) } : {}),
    ...(field ? { field } : {}),
  };
}

/** No answer: the shared verdict for requests that never left; one that may have arrived is repeated with the same operationId. */
function noAnswerResult(out: Extract<HttpOutcome, { ok: false }>, now: number): AttemptResult {
  return transportResult(out, now, [out.exchange], (unsure) => repeatSameOperation(unsure, now));
}

function repeatSameOperation(out: Extract<HttpOutcome, { ok: false }>, now: number): AttemptResult {
  const timedOut = out.error.reason === 'timeout';
  return {
    kind: 'retry',
    retryAt: now + TRANSPORT_RETRY_MS,
    exchanges: [out.exchange],
    error: {
      kind: 'network',
      reason: timedOut ? 'timeout' : 'connection_lost',
      message: `${timedOut ? 'Diadoc did not answer in time' : 'The connection to Diadoc was lost'}; the request will be repeated with the same operation id, which cannot create a second message.`,
      ...(out.error.providerCode ? { providerCode: out.error.providerCode } : {}),
    },
  };
}

function replyResult(
  out: Extract<HttpOutcome, { ok: true }>,
  secrets: readonly string[],
  now: number,
  rateLimitedBefore: number,
  random: () => number,
): AttemptResult {
  const exchanges = [out.exchange];
  if (out.status === 200) {
    const posted = out.truncated ? undefined : readPostedMessage(out.text);
    if (posted) return { kind: 'sent', providerMessageId: posted.messageId, exchanges };
    // The message may exist, but the operationId makes asking again safe: the repeat returns it.
    const type = out.headers.get('content-type') ?? 'no content type';
    return {
      kind: 'retry',
      retryAt: now + PROCESSING_FALLBACK_MS,
      exchanges,
      error: {
        kind: 'provider_error',
        reason: 'unreadable_reply',
        message: `Diadoc answered 200 but its reply (${type}) could not be read; asking again with the same operation id.`,
        providerStatus: 200,
        ...(out.text ? { providerText: excerpt(out.text, secrets) } : {}),
      },
    };
  }
  if (out.status === 204) {
    const retryAt = clampedRetryAt(out.headers, now, PROCESSING_FALLBACK_MS);
    return {
      kind: 'retry',
      retryAt,
      exchanges,
      error: {
        kind: 'outcome_unknown',
        reason: 'processing',
        message: `Diadoc is still processing the message; asking again in ${Math.round((retryAt - now) / 1000)} s with the same operation id.`,
        providerStatus: 204,
        retryAt,
      },
    };
  }
  const error = errorFromReply(out, secrets);
  if (out.status === 409 && error.providerText && /in progress/i.test(error.providerText)) {
    const retryAt = clampedRetryAt(out.headers, now, PROCESSING_FALLBACK_MS);
    return {
      kind: 'retry',
      retryAt,
      exchanges,
      error: {
        ...error,
        kind: 'outcome_unknown',
        reason: 'processing',
        message: 'Diadoc is still processing an earlier attempt with this operation id; asking again shortly.',
        retryAt,
      },
    };
  }
  if (out.status === 429) {
    const until = retryAfterUntil(out.headers, now);
    return rateLimitedResult({
      provider: 'Diadoc',
      error: { ...error, kind: 'rate_limited', reason: 'too_fast', message: 'Diadoc asks to send less often.' },
      exchanges,
      now,
      providerWaitUntil: until ?? now + SERVER_ERROR_FALLBACK_MS,
      before: rateLimitedBefore,
      random,
      policy: PACE,
    });
  }
  if (out.status >= 500) {
    const retryAt = clampedRetryAt(out.headers, now, SERVER_ERROR_FALLBACK_MS);
    return { kind: 'retry', retryAt, exchanges, error: { ...error, retryAt } };
  }
  return { kind: 'failed', exchanges, error };
}

// ---------------------------------------------------------------------------------------------

/** Resolves every handle of the message, or names the first one that is gone. */
function resolveFiles(
  msg: DiadocMessage,
  file: (id: string) => LocalFile,
): { files: Map<string, LocalFile> } | { problem: FieldProblem; message: string } {
  const files = new Map<string, LocalFile>();
  for (const [i, d] of msg.documents.entries()) {
    for (const [id, field] of [
      [d.file, `documents.${i}.file`],
      [d.signatureFile, `documents.${i}.signatureFile`],
    ] as const) {
      if (id === undefined || files.has(id)) continue;
      try {
        files.set(id, file(id));
      } catch (e) {
        const reason = isOperatorError(e) && e.error.reason ? e.error.reason : 'file_unknown';
        return {
          problem: { field, reason },
          message: isOperatorError(e) ? e.error.message : 'The attached file is no longer available; attach it again.',
        };
      }
    }
  }
  return { files };
}

/** The documents that go through the shelf: every file above the inline advice (§7, §12.3). */
function shelfDocuments(msg: DiadocMessage, files: ReadonlyMap<string, LocalFile>): number[] {
  return msg.documents.flatMap((d, i) => ((files.get(d.file)?.size ?? 0) > diadocLimits.inlineAdviceBytes ? [i] : []));
}

/** The request as planned with placeholder shelf names: what the 70 MB limit counts (§7). */
function plannedBytes(msg: DiadocMessage, files: ReadonlyMap<string, LocalFile>): number {
  const names = new Map(shelfDocuments(msg, files).map((i) => [i, 'dd-api-00000000-0000-0000-0000-000000000000.placeholder']));
  return planPostMessageBody(msg, (id) => files.get(id)!, names).contentLength;
}

function sizeProblems(msg: DiadocMessage, files: ReadonlyMap<string, LocalFile>): FieldProblem[] {
  for (const i of shelfDocuments(msg, files))
    if (files.get(msg.documents[i]!.file)!.size > diadocLimits.shelfFileBytesMax)
      return [{ field: `documents.${i}.file`, reason: 'file_too_big', limit: diadocLimits.shelfFileBytesMax }];
  return plannedBytes(msg, files) > diadocLimits.requestBytesMax
    ? [{ field: 'documents', reason: 'documents_too_big', limit: diadocLimits.requestBytesMax }]
    : [];
}

/** The message as it will go out: FileName from the file where the type takes it (§12.2). */
function outgoing(msg: DiadocMessage, file: ((id: string) => LocalFile) | undefined, types: readonly DiadocTypeInfo[]): DiadocMessage {
  if (!file) return msg;
  return withFileNames(
    msg,
    (id) => {
      try {
        return file(id).name;
      } catch {
        return undefined;
      }
    },
    types,
  );
}

function checkWithFiles(msg: DiadocMessage, account: AdapterAccount, file?: (id: string) => LocalFile): FieldProblem[] {
  const types = diadocTypeBook.known(account, msg.fromBoxId);
  const problems = checkDiadocMessage(outgoing(msg, file, types), types);
  if (problems.length || !file) return problems;
  const resolved = resolveFiles(msg, file);
  if ('problem' in resolved) return [resolved.problem];
  return sizeProblems(msg, resolved.files);
}

function megabytes(n: number): string {
  return `${(n / 1_000_000).toFixed(1)} MB`;
}

/** Without the history's journal (adapter tests), shelf progress is kept for the life of the process. */
const memoryJournal: AdapterJournal = (() => {
  const m = new Map<string, string>();
  return { get: (k) => m.get(k), set: (k, v) => void m.set(k, v) };
})();

const TYPES_TIMEOUT_MS = 10_000;

async function send(ctx: AdapterContext, original: DiadocMessage): Promise<AttemptResult> {
  const { account } = ctx;
  const secrets = secretsOf(account);
  const journal = ctx.journal ?? memoryJournal;
  const early = checkWithFiles(withSenderBox(original, account), account);
  if (early.length) return { kind: 'failed', exchanges: [], error: problemToError(early[0]!) };
  const auth = diadocAuthorization(account);
  if ('error' in auth) return { kind: 'failed', exchanges: [], error: auth.error };

  const sender = withSenderBox(original, account);
  // The box's own types decide the metadata (§12.2); the built-in table stands in when it cannot be asked.
  const { types } = await diadocTypeBook.get(account, sender.fromBoxId, {
    authorization: auth.header,
    secrets,
    timeoutMs: Math.min(ctx.timeoutMs, TYPES_TIMEOUT_MS),
    now: ctx.now(),
    fetch: ctx.fetch,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const msg = outgoing(sender, ctx.file, types);
  const problems = checkDiadocMessage(msg, types);
  if (problems.length) return { kind: 'failed', exchanges: [], error: problemToError(problems[0]!) };

  const resolved = resolveFiles(msg, ctx.file);
  if ('problem' in resolved)
    return {
      kind: 'failed',
      exchanges: [],
      error: { kind: 'invalid', reason: resolved.problem.reason, field: resolved.problem.field, message: resolved.message },
    };
  const tooBig = sizeProblems(msg, resolved.files)[0];
  if (tooBig) {
    const overall = tooBig.field === 'documents';
    return {
      kind: 'failed',
      exchanges: [],
      error: {
        kind: 'too_large',
        reason: tooBig.reason,
        field: tooBig.field,
        limit: tooBig.limit!,
        message: overall
          ? `The inline documents make a request of ${megabytes(plannedBytes(msg, resolved.files))} once encoded; Diadoc accepts at most ${megabytes(diadocLimits.requestBytesMax)} per message.`
          : `A document is larger than the ${megabytes(diadocLimits.shelfFileBytesMax)} Diadoc's shelf takes.`,
      },
    };
  }
  const shelved = shelfDocuments(msg, resolved.files);
  const shelfBytes = shelved.reduce((n, i) => n + resolved.files.get(msg.documents[i]!.file)!.size, 0);
  const noPlan = planPostMessageBody(msg, (id) => resolved.files.get(id)!, new Map(shelved.map((i) => [i, ''])));
  let total = shelfBytes + noPlan.contentLength;
  let sent = 0;
  ctx.onProgress?.(0, total);
  const progress = (n: number) => {
    sent += n;
    ctx.onProgress?.(sent, total);
  };

  const shelfExchanges: Exchange[] = [];
  const shelfNames = new Map<number, string>();
  const postedKey = `diadoc-posted:${ctx.idempotencyKey}`;
  for (const i of shelved) {
    const file = resolved.files.get(msg.documents[i]!.file)!;
    const up = await uploadToShelf(
      file,
      {
        baseUrl: baseOf(account),
        authorization: auth.header,
        secrets,
        timeoutMs: ctx.timeoutMs,
        now: ctx.now,
        journal,
        operationId: ctx.idempotencyKey,
        onBytes: progress,
        fetch: ctx.fetch,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      },
      `documents.${i}.file`,
    );
    shelfExchanges.push(...up.exchanges);
    if (up.ok) {
      shelfNames.set(i, up.name);
      continue;
    }
    if (up.retryable)
      return { kind: 'retry', retryAt: up.retryAt ?? ctx.now() + SERVER_ERROR_FALLBACK_MS, exchanges: shelfExchanges, error: up.error };
    // A shelf upload creates no message; only an earlier PostMessage of this operation could have.
    if (journal.get(postedKey)) return { kind: 'unknown', exchanges: shelfExchanges, error: { ...up.error, kind: 'outcome_unknown' } };
    return { kind: 'failed', exchanges: shelfExchanges, error: up.error };
  }

  const plan = planPostMessageBody(msg, (id) => resolved.files.get(id)!, shelfNames);
  // The shelf names are known only now; the total moves by their length.
  total = shelfBytes + plan.contentLength;
  const gone = await preflightFiles(plan);
  if (gone) return { kind: 'failed', exchanges: shelfExchanges, error: gone };

  const url = `${baseOf(account)}/V3/PostMessage?operationId=${encodeURIComponent(ctx.idempotencyKey)}`;
  if (!URL.canParse(url))
    return {
      kind: 'failed',
      exchanges: [],
      error: { kind: 'invalid', reason: 'bad_url', field: 'baseUrl', message: 'The account’s base URL is not a URL.' },
    };
  let fileFailure: FileChangedError | undefined;
  const body = streamPostMessageBody(plan, progress, (e) => {
    fileFailure = e;
  });
  journal.set(postedKey, '1');
  const out = await httpExchange(
    {
      method: 'POST',
      url,
      headers: {
        authorization: auth.header,
        'content-type': 'application/json; charset=utf-8',
        accept: 'application/json',
        'content-length': String(plan.contentLength),
      },
      body,
      contentLength: plan.contentLength,
      bodyForHistory: plan.forHistory,
    },
    {
      secrets,
      fetch: ctx.fetch,
      timeoutMs: ctx.timeoutMs + Math.round((plan.contentLength / UPLOAD_FLOOR_BYTES_PER_S) * 1000),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    },
  );
  const withShelf = (r: AttemptResult): AttemptResult => ({ ...r, exchanges: [...shelfExchanges, ...r.exchanges] });
  if (!out.ok) {
    // A body cut short by a changing file cannot have been accepted: Diadoc never saw a whole request.
    if (fileFailure) return withShelf({ kind: 'failed', exchanges: [out.exchange], error: fileChangedError(fileFailure) });
    return withShelf(noAnswerResult(out, ctx.now()));
  }
  return withShelf(replyResult(out, secrets, ctx.now(), ctx.rateLimitedBefore ?? 0, ctx.random ?? Math.random));
}

/** The boxes of a `GetMyOrganizations` reply (`OrganizationList`), each by its ids (lower case) and title. */
function boxesOf(json: unknown): { ids: string[]; title: string }[] | undefined {
  if (!isRecord(json) || !Array.isArray(json.Organizations)) return undefined;
  return json.Organizations.filter(isRecord).flatMap((org) =>
    (Array.isArray(org.Boxes) ? org.Boxes.filter(isRecord) : []).map((box) => ({
      ids: [box.BoxId, box.BoxIdGuid].filter((v): v is string => typeof v === 'string').map((v) => v.toLowerCase()),
      title: [box.Title, org.ShortName, org.FullName].find((v): v is string => typeof v === 'string' && v.length > 0) ?? '',
    })),
  );
}

async function checkConnection(ctx: AdapterContext): Promise<{ ok: boolean; reason: string; detail?: string }> {
  const { account } = ctx;
  const auth = diadocAuthorization(account);
  if ('error' in auth) return { ok: false, reason: auth.error.reason ?? 'token_missing', detail: auth.error.message };
  const secrets = secretsOf(account);
  const out = await httpExchange(
    {
      method: 'GET',
      url: `${baseOf(account)}/GetMyOrganizations?autoRegister=false`,
      headers: { authorization: auth.header, accept: 'application/json' },
    },
    { secrets, fetch: ctx.fetch, timeoutMs: ctx.timeoutMs, ...(ctx.signal ? { signal: ctx.signal } : {}) },
  );
  if (!out.ok) return { ok: false, reason: out.error.reason ?? 'network', detail: out.error.message };
  if (out.status !== 200) {
    const error = errorFromReply(out, secrets);
    return {
      ok: false,
      reason: error.reason ?? 'provider_generic',
      detail: [error.message, error.providerText].filter(Boolean).join(' — '),
    };
  }
  const answer = parseJson(out.text);
  const boxes = boxesOf(answer);
  if (!boxes)
    return {
      ok: false,
      reason: 'unreadable_reply',
      detail: `Diadoc answered 200 with a reply that is not an organization list: ${excerpt(out.text, secrets)}`,
    };
  const listed = boxes.map((b) => `${b.title} (${b.ids[0] ?? '?'})`).join('; ');
  const own = account.settings.provider === 'diadoc' ? account.settings.fromBoxId?.trim().toLowerCase() : undefined;
  if (own) diadocBoxGuids.learn(account, own, answer);
  if (own && !boxes.some((b) => b.ids.includes(own)))
    return {
      ok: false,
      reason: 'box_not_yours',
      detail: `The account’s sender box ${own} is not among the boxes this token can use: ${listed || 'none'}.`,
    };
  return { ok: true, reason: 'connected', detail: listed ? `Boxes: ${listed}` : 'The token works but has no boxes.' };
}

export const diadocAdapter: ProviderAdapter<DiadocMessage> = {
  provider: 'diadoc',
  idempotent: true,
  check: (msg, account, file) => checkWithFiles(withSenderBox(msg, account), account, file),
  send,
  checkConnection,
  describe: (msg, file) => {
    const names = msg.documents.map((d) => {
      try {
        return file ? file(d.file).name : '';
      } catch {
        return '';
      }
    });
    const labels = msg.documents
      .map((d, i) => d.comment?.trim() || d.customDocumentId?.trim() || names[i] || d.typeNamedId.trim())
      .filter(Boolean);
    const searchText = [
      msg.toBoxId,
      msg.fromBoxId,
      ...msg.documents.flatMap((d, i) => [
        d.typeNamedId,
        d.function,
        d.version,
        d.customDocumentId,
        d.comment,
        names[i],
        ...(d.metadata ?? []).map((m) => m.value),
      ]),
    ]
      .filter((s): s is string => typeof s === 'string' && s.trim().length > 0)
      .join('\n');
    return { to: { kind: 'box', id: msg.toBoxId.trim() }, preview: listPreview('documents', msg.documents.length, labels), searchText };
  },
};
