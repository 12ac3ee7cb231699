import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { type SendError } from '../../shared/errors.ts';
import { isOperatorError } from '../../shared/operator-error.ts';
import { checkMarketMessage, marketLimits, normalizeMarketId, type MarketMessage } from '../../shared/messages/market.ts';
import type { FieldProblem } from '../../shared/messages/problems.ts';
import { excerpt, httpExchange, readReply, type HttpOutcome } from './http.ts';
import { planMultipart, streamMultipart } from './multipart.ts';
import { fileChangedError, type FileChangedError } from './plumbing/file-changed.ts';
import { problemToError as problemError } from './plumbing/problems.ts';
import { rateLimitedResult, type BackoffPolicy } from './plumbing/rate-limit.ts';
import { secretsOf } from './plumbing/secrets.ts';
import { meaningOfStatus } from './plumbing/status.ts';
import { serverErrorResult, transportResult } from './plumbing/transport.ts';
import type { AdapterAccount, AdapterContext, AttemptResult, LocalFile, ProviderAdapter, RateRule } from './types.ts';
import { listPreview, textPreview } from '../../shared/send-labels.ts';

/**
 * Yandex Market chats adapter (yandex-market.md): a text goes to
 * `POST {base}/v2/businesses/{businessId}/chats/message?chatId=` as JSON `{"message": …}`, a file
 * to `POST {base}/v2/businesses/{businessId}/chats/file/send?chatId=` as `multipart/form-data` with
 * one part `file`, streamed from disk. Auth is `Api-Key: <token>`. Success is `200 {"status":"OK"}`
 * without any message id, so the send's id is the synthetic `market:<chatId>:<epoch ms>`.
 *
 * Decisions on the sheet's open questions (§8):
 * 1. Unversioned path: never used. The `/v2/…` form is the only one the provider guarantees, and
 *    it is identical in body, answers and limits; the simulator answers the old path with 404.
 * 2. Quotas: the two methods have separate resource ids (210 message, 209 file), so each gets its
 *    own 1 000-per-hour rule, counted per cabinet (limits are "calculated for each cabinet").
 * 3. Parallel cap (4, or 2 per login in the older page): not paced by us; the outbox sends one
 *    attempt per send, and a 420 "parallel requests" answer is waited out a few seconds.
 * 4. 512 KB vs 5 MB: the file method's own documented 5 MB limit wins for `chats/file/send`; the
 *    512 KB cap can only bite the JSON method, whose 4096-character text is far below it.
 *    "5 MB" = 5 × 1024 × 1024 bytes (see shared/messages/market.ts).
 * 5. File types: none are documented, so none are refused here; the part carries the file's name
 *    (raw UTF-8 in `filename`, as browsers send it; RFC 7578 forbids `filename*`) and its type.
 *    A provider refusal comes back as `invalid` on `file` with the provider's words. No caption:
 *    the composer sends text and file as two sends in one group.
 * 6. A closed (FINISHED) chat and 7. chat-specific error codes are undocumented: any 400/404 is
 *    shown with the provider's own `errors[].message`, pointed at a field when the text names one.
 * Also: Api-Key only. The deprecated OAuth `Authorization: Bearer` is a different credential (a
 * Yandex OAuth token) the console does not manage. There is no idempotency key, so only a 420 or
 * a request that provably never left is repeated; a timeout, a dropped connection, a 2xx that
 * cannot be read, a 499 and any 5xx (a gateway's 502 or 504 included) are `unknown` for the
 * operator to decide: the message may have been posted. 420 waits until
 * `X-RateLimit-Resource-Until` (RFC 822), never less than 1 s; a quota answer without it waits the
 * documented one-hour window, a parallel-requests answer 5 s, doubling with jitter; after three
 * 420s in a row the send stops as `failed` (a 420 is refused before processing).
 * The provider's own timeout is 10 s; a file upload gets its send timeout plus upload time at
 * 256 KiB/s, so a 5 MB file on a slow line is not cut off and turned into an unknown outcome.
 */

const PARALLEL_RETRY_MS = 5_000;
const QUOTA_WINDOW_MS = 3_600_000;
const RETRY_AT_MAX_MS = 24 * QUOTA_WINDOW_MS;
const UPLOAD_FLOOR_BYTES_PER_S = 256 * 1024;
const HEADER_SAFE = /^[\x21-\x7e]+$/;
const PACE: BackoffPolicy = { baseMs: 1000, floorMs: 1000, maxMs: RETRY_AT_MAX_MS, cap: 3 };

/** §4: `{status, errors: [{code, message}]}`; `errors` may be null in the schema. */
const replySchema = z.object({
  status: z.string().optional(),
  errors: z.array(z.unknown()).nullish(),
});
const errorItemSchema = z.object({ code: z.string().optional().catch(undefined), message: z.string().optional().catch(undefined) });
const tokenInfoSchema = z.object({
  result: z.object({ apiKey: z.object({ name: z.string().optional().catch(undefined), authScopes: z.array(z.unknown()) }) }),
});
const settingsSchema = z.object({ result: z.object({ info: z.object({ name: z.string().optional().catch(undefined) }) }) });

function baseOf(account: AdapterAccount): string {
  return account.baseUrl.replace(/\/+$/, '');
}

/** The message's cabinet, or the account's when the composer left it empty; ids without spaces. */
function resolved(msg: MarketMessage, account: AdapterAccount): MarketMessage {
  const own = normalizeMarketId(msg.businessId);
  const fallback = account.settings.provider === 'market' ? normalizeMarketId(account.settings.businessId ?? '') : '';
  return { ...msg, businessId: own || fallback, chatId: normalizeMarketId(msg.chatId) };
}

function apiKeyOf(account: AdapterAccount): { token: string } | { error: SendError } {
  const token = account.secrets.token?.trim() ?? '';
  if (!token) return { error: { kind: 'unauthorized', reason: 'token_missing', message: 'The account has no Api-Key token.' } };
  if (!HEADER_SAFE.test(token))
    return {
      error: {
        kind: 'unauthorized',
        reason: 'token_rejected',
        message: 'The Api-Key token contains spaces or characters an HTTP header cannot carry.',
      },
    };
  return { token };
}

const fieldNames: Record<string, string> = { businessId: 'The cabinet id', chatId: 'The chat id', text: 'The text', file: 'The file' };
const problemWords: Record<string, (limit?: number) => string> = {
  required: () => 'is missing.',
  bad_format: () => 'must be a positive whole number.',
  too_long: (limit) => `is longer than ${limit} characters.`,
  invalid_value: () => 'does not belong to this kind of send.',
  file_too_big: (limit) => `is larger than Yandex Market accepts (${limit} bytes).`,
  file_empty: () => 'is empty.',
  file_unknown: () => 'is no longer available; attach it again.',
};

function problemToError(p: FieldProblem): SendError {
  return problemError(
    p,
    () => `${fieldNames[p.field] ?? p.field} ${problemWords[p.reason]?.(p.limit) ?? `is not accepted (${p.reason}).`}`,
  );
}

function checkWithFile(msg: MarketMessage, file?: (id: string) => LocalFile): FieldProblem[] {
  if (msg.kind !== 'file' || !msg.file || !file) return checkMarketMessage(msg);
  let size: number;
  try {
    size = file(msg.file).size;
  } catch {
    return [...checkMarketMessage(msg).filter((p) => p.field !== 'file'), { field: 'file', reason: 'file_unknown' }];
  }
  return checkMarketMessage(msg, size);
}

function chatUrl(account: AdapterAccount, msg: MarketMessage, method: 'message' | 'file/send'): string {
  return `${baseOf(account)}/v2/businesses/${msg.businessId}/chats/${method}?chatId=${msg.chatId}`;
}

// ---------------------------------------------------------------------------------------------
// Replies: `{status, errors:[{code, message}]}` for every error status (§4).

/** The error list of an `ApiErrorResponse` (`errors` may be null there), or `undefined` for any other reply. */
function errorsOf(reply: z.infer<typeof replySchema> | undefined): { code?: string; message?: string }[] | undefined {
  if (!reply) return undefined;
  if (!Array.isArray(reply.errors)) return reply.status === 'ERROR' ? [] : undefined;
  return reply.errors.flatMap((e) => {
    const item = errorItemSchema.safeParse(e);
    if (!item.success) return [];
    return [
      {
        ...(item.data.code !== undefined ? { code: item.data.code } : {}),
        ...(item.data.message !== undefined ? { message: item.data.message } : {}),
      },
    ];
  });
}

/** Which field of the composer's message a provider error text is about, when it names one. */
function fieldFromText(text: string): string | undefined {
  if (/\bmessage\b/i.test(text)) return 'text';
  if (/\bfile\b/i.test(text)) return 'file';
  if (/\bchat ?id\b|\bchat\b/i.test(text)) return 'chatId';
  if (/\bbusiness ?id\b|\bbusiness\b|\bcabinet\b/i.test(text)) return 'businessId';
  return undefined;
}

const statusWords: Record<number, { kind: SendError['kind']; reason: string; message: string }> = {
  400: { kind: 'invalid', reason: 'provider_invalid', message: 'Yandex Market refused the request as invalid.' },
  401: { kind: 'unauthorized', reason: 'token_rejected', message: 'Yandex Market did not accept the Api-Key token.' },
  403: { kind: 'forbidden', reason: 'access_denied', message: 'Yandex Market denied access to this cabinet or method.' },
  404: { kind: 'not_found', reason: 'chat_not_found', message: 'Yandex Market did not find the chat or the cabinet.' },
  405: { kind: 'provider_error', reason: 'provider_generic', message: 'Yandex Market does not support this request method here.' },
  413: { kind: 'too_large', reason: 'request_too_large', message: 'The request is larger than Yandex Market accepts.' },
  415: { kind: 'provider_error', reason: 'provider_generic', message: 'Yandex Market did not accept the request’s content type.' },
  423: {
    kind: 'conflict',
    reason: 'business_locked',
    message: 'The cabinet is locked (for example, during a migration); try again later.',
  },
  500: { kind: 'provider_error', reason: 'provider_generic', message: 'Yandex Market failed with an internal error.' },
  503: { kind: 'provider_error', reason: 'provider_unavailable', message: 'Yandex Market is overloaded; try again later.' },
};

function classify(
  status: number,
  errors: { code?: string; message?: string }[],
): { kind: SendError['kind']; reason: string; message: string; field?: string } {
  const text = errors.map((e) => e.message ?? '').join(' ');
  const base = meaningOfStatus(status, 'Yandex Market', statusWords);
  if (status === 400 && /request is too big/i.test(text))
    return { kind: 'too_large', reason: 'request_too_large', message: 'The request is larger than Yandex Market accepts.' };
  if (status === 400 && /\bfile\b.*\b(big|large|size)\b|\b(big|large|size)\b.*\bfile\b/i.test(text)) {
    return { kind: 'too_large', reason: 'file_too_big', message: 'The file is larger than Yandex Market accepts.', field: 'file' };
  }
  if (status === 401 && /not specified/i.test(text)) return { ...base, reason: 'token_missing' };
  if (status === 403 && /scope/i.test(text))
    return { ...base, reason: 'no_scope', message: 'The Api-Key token lacks the “communication” (or “all-methods”) access.' };
  if (status === 403 && /not active/i.test(text))
    return { ...base, reason: 'business_inactive', message: 'The cabinet or store is inactive, so Market refuses API calls for it.' };
  if (status === 400 || status === 404) {
    const field = fieldFromText(text);
    if (field) return { ...base, field };
  }
  return base;
}

function providerTextOf(errors: { code?: string; message?: string }[], secrets: readonly string[]): string | undefined {
  const text = errors
    .map((e) => [e.code, e.message].filter(Boolean).join(': '))
    .filter(Boolean)
    .join('; ');
  return text ? excerpt(text, secrets) : undefined;
}

/** The quota headers in words, for the operator: "limit 1000, remaining 0, until …". */
function quotaText(headers: Headers): string | undefined {
  const parts = [
    headers.get('x-ratelimit-resource-limit') && `limit ${headers.get('x-ratelimit-resource-limit')}`,
    headers.get('x-ratelimit-resource-remaining') && `remaining ${headers.get('x-ratelimit-resource-remaining')}`,
    headers.get('x-ratelimit-resource-until') && `until ${headers.get('x-ratelimit-resource-until')}`,
  ].filter(Boolean);
  return parts.length ? `Quota: ${parts.join(', ')}` : undefined;
}

/** When a 420 says the next request may go: `X-RateLimit-Resource-Until`, else the documented window; parallel refusals name none. */
function marketWaitUntil(headers: Headers, errorText: string, now: number): number | undefined {
  const until = headers.get('x-ratelimit-resource-until');
  const parsed = until ? Date.parse(until) : Number.NaN;
  if (!Number.isNaN(parsed)) return parsed;
  return now + (/parallel/i.test(errorText) ? PARALLEL_RETRY_MS : QUOTA_WINDOW_MS);
}

function replyResult(
  ctx: AdapterContext,
  out: Extract<HttpOutcome, { ok: true }>,
  msg: MarketMessage,
  secrets: readonly string[],
): AttemptResult {
  const now = ctx.now();
  const exchanges = [out.exchange];
  const reply = out.truncated ? undefined : readReply(out.text, replySchema);
  if (out.status >= 200 && out.status < 300) {
    if (out.status === 200 && reply?.status === 'OK') return { kind: 'sent', providerMessageId: `market:${msg.chatId}:${now}`, exchanges };
    // 2xx says Market took the request; only the confirmation is unreadable. A repeat could duplicate it.
    return {
      kind: 'unknown',
      exchanges,
      error: {
        kind: 'outcome_unknown',
        reason: 'unreadable_success',
        message: `Yandex Market answered ${out.status} but its reply could not be read; the message may have arrived.`,
        providerStatus: out.status,
        ...(out.text ? { providerText: excerpt(out.text, secrets) } : {}),
      },
    };
  }
  const errors = errorsOf(reply);
  if (!errors) {
    const error: SendError = {
      kind: 'provider_error',
      reason: 'unreadable_reply',
      message: `Yandex Market answered ${out.status}${out.truncated ? ' with an oversized reply' : ' with a reply that is not its JSON error'}.`,
      providerStatus: out.status,
      ...(out.text ? { providerText: excerpt(out.text, secrets) } : {}),
    };
    return out.status >= 500 ? serverErrorResult(error, exchanges, 'Yandex Market') : { kind: 'failed', exchanges, error };
  }
  const code = errors.find((e) => e.code)?.code;
  const providerText = providerTextOf(errors, secrets);
  if (out.status === 420) {
    const text = errors.map((e) => e.message ?? '').join(' ');
    const quota = quotaText(out.headers);
    const paced = rateLimitedResult({
      provider: 'Yandex Market',
      error: {
        kind: 'rate_limited',
        reason: /parallel/i.test(text) ? 'too_fast' : 'quota_exceeded',
        message: 'Yandex Market’s request limit is reached.',
        providerStatus: 420,
        ...(code ? { providerCode: code } : {}),
        ...(providerText || quota ? { providerText: [providerText, quota].filter(Boolean).join(' — ') } : {}),
      },
      exchanges,
      now,
      providerWaitUntil: marketWaitUntil(out.headers, text, now),
      before: ctx.rateLimitedBefore ?? 0,
      random: ctx.random ?? Math.random,
      policy: PACE,
    });
    if (paced.kind !== 'retry') return paced;
    return {
      ...paced,
      error: {
        ...paced.error,
        message: `Yandex Market’s request limit is reached; the send waits until ${new Date(paced.retryAt).toISOString()}.`,
      },
    };
  }
  const c = classify(out.status, errors);
  const error: SendError = {
    kind: c.kind,
    reason: c.reason,
    message: c.message,
    providerStatus: out.status,
    ...(c.field ? { field: c.field } : {}),
    ...(c.reason === 'file_too_big' ? { limit: marketLimits.fileMaxBytes } : {}),
    ...(code ? { providerCode: code } : {}),
    ...(providerText ? { providerText } : {}),
  };
  // 499: Market saw the client go away; whether it had already posted the message is unknown.
  if (out.status === 499)
    return {
      kind: 'unknown',
      exchanges,
      error: {
        ...error,
        kind: 'outcome_unknown',
        reason: 'connection_lost',
        message: 'Yandex Market reports the request was closed early; the message may have arrived.',
      },
    };
  if (out.status >= 500) return serverErrorResult(error, exchanges, 'Yandex Market');
  return { kind: 'failed', exchanges, error };
}

async function sendFile(ctx: AdapterContext, msg: MarketMessage, token: string): Promise<AttemptResult> {
  const { account } = ctx;
  const secrets = secretsOf(account);
  let file: LocalFile;
  try {
    file = ctx.file(msg.file ?? '');
  } catch (e) {
    if (isOperatorError(e)) return { kind: 'failed', exchanges: [], error: e.error };
    throw e;
  }
  const onDisk = await stat(file.path).catch(() => undefined);
  if (!onDisk?.isFile())
    return {
      kind: 'failed',
      exchanges: [],
      error: { kind: 'invalid', reason: 'file_unreadable', field: 'file', message: `${file.name} is no longer on disk; attach it again.` },
    };
  // The size on disk decides, not the handle's: the file may have changed since it was attached.
  const problem = checkMarketMessage(msg, onDisk.size)[0];
  if (problem) return { kind: 'failed', exchanges: [], error: problemToError(problem) };
  if (onDisk.size !== file.size)
    return {
      kind: 'failed',
      exchanges: [],
      error: {
        kind: 'invalid',
        reason: 'file_changed',
        field: 'file',
        message: `${file.name} changed on disk after it was attached; attach it again.`,
      },
    };

  const plan = planMultipart(file);
  let fileFailure: FileChangedError | undefined;
  const out = await httpExchange(
    {
      method: 'POST',
      url: chatUrl(account, msg, 'file/send'),
      headers: {
        'api-key': token,
        'content-type': plan.contentType,
        'content-length': String(plan.contentLength),
        accept: 'application/json',
      },
      body: streamMultipart(
        plan,
        file,
        (sent) => ctx.onProgress?.(sent, plan.contentLength),
        (e) => {
          fileFailure = e;
        },
      ),
      contentLength: plan.contentLength,
      bodyForHistory: `multipart/form-data; part "file": ‹${file.name}, ${file.type}, ${file.size} bytes, sha256 ${file.sha256}›`,
    },
    {
      secrets,
      fetch: ctx.fetch,
      timeoutMs: ctx.timeoutMs + Math.round((plan.contentLength / UPLOAD_FLOOR_BYTES_PER_S) * 1000),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    },
  );
  if (!out.ok) {
    // A body cut short by its own length cannot be taken as a request: Market never saw a whole one.
    if (fileFailure) return { kind: 'failed', exchanges: [out.exchange], error: fileChangedError(fileFailure) };
    return transportResult(out, ctx.now());
  }
  return replyResult(ctx, out, msg, secrets);
}

async function sendText(ctx: AdapterContext, msg: MarketMessage, token: string): Promise<AttemptResult> {
  const secrets = secretsOf(ctx.account);
  const out = await httpExchange(
    {
      method: 'POST',
      url: chatUrl(ctx.account, msg, 'message'),
      headers: { 'api-key': token, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ message: msg.text ?? '' }),
    },
    { secrets, fetch: ctx.fetch, timeoutMs: ctx.timeoutMs, ...(ctx.signal ? { signal: ctx.signal } : {}) },
  );
  if (!out.ok) return transportResult(out, ctx.now());
  return replyResult(ctx, out, msg, secrets);
}

async function send(ctx: AdapterContext, message: MarketMessage): Promise<AttemptResult> {
  const msg = resolved(message, ctx.account);
  const auth = apiKeyOf(ctx.account);
  if ('error' in auth) return { kind: 'failed', exchanges: [], error: auth.error };
  const problem = checkMarketMessage(msg)[0];
  if (problem) return { kind: 'failed', exchanges: [], error: problemToError(problem) };
  return msg.kind === 'file' ? sendFile(ctx, msg, auth.token) : sendText(ctx, msg, auth.token);
}

// ---------------------------------------------------------------------------------------------

/**
 * `POST /v2/auth/token` (getAuthTokenInfo, read-only, Api-Key only) shows whether the token has
 * the `communication` or `all-methods` access the chat methods need; with a cabinet on the
 * account, `POST /v2/businesses/{businessId}/settings` (read-only) proves the token may use it.
 */
async function checkConnection(ctx: AdapterContext): Promise<{ ok: boolean; reason: string; detail?: string }> {
  const { account } = ctx;
  const auth = apiKeyOf(account);
  if ('error' in auth) return { ok: false, reason: auth.error.reason ?? 'token_missing', detail: auth.error.message };
  const secrets = secretsOf(account);
  const call = (path: string) =>
    httpExchange(
      { method: 'POST', url: `${baseOf(account)}${path}`, headers: { 'api-key': auth.token, accept: 'application/json' } },
      { secrets, fetch: ctx.fetch, timeoutMs: ctx.timeoutMs, ...(ctx.signal ? { signal: ctx.signal } : {}) },
    );
  const failure = (out: HttpOutcome): { ok: false; reason: string; detail: string } => {
    if (!out.ok) return { ok: false, reason: out.error.reason ?? 'network', detail: out.error.message };
    const errors = errorsOf(readReply(out.text, replySchema));
    if (!errors)
      return { ok: false, reason: 'unreadable_reply', detail: `Yandex Market answered ${out.status}: ${excerpt(out.text, secrets)}` };
    const c =
      out.status === 420
        ? { reason: 'quota_exceeded', message: 'Yandex Market’s request limit is reached.' }
        : classify(out.status, errors);
    return { ok: false, reason: c.reason, detail: [c.message, providerTextOf(errors, secrets)].filter(Boolean).join(' — ') };
  };

  const tokenOut = await call('/v2/auth/token');
  if (!tokenOut.ok || tokenOut.status !== 200) return failure(tokenOut);
  const apiKey = readReply(tokenOut.text, tokenInfoSchema)?.result.apiKey;
  const scopes = apiKey?.authScopes.filter((s): s is string => typeof s === 'string');
  if (!scopes)
    return {
      ok: false,
      reason: 'unreadable_reply',
      detail: `Yandex Market answered 200 with a reply that is not token information: ${excerpt(tokenOut.text, secrets)}`,
    };
  const name = typeof apiKey?.name === 'string' ? apiKey.name : 'Api-Key';
  if (!scopes.includes('COMMUNICATION') && !scopes.includes('ALL_METHODS')) {
    return {
      ok: false,
      reason: 'no_scope',
      detail: `The token “${name}” has ${scopes.join(', ') || 'no'} access; chats need COMMUNICATION or ALL_METHODS.`,
    };
  }
  const businessId = account.settings.provider === 'market' ? normalizeMarketId(account.settings.businessId ?? '') : '';
  if (!businessId)
    return { ok: true, reason: 'connected', detail: `Token “${name}”: ${scopes.join(', ')}. No cabinet id on the account yet.` };
  const settingsOut = await call(`/v2/businesses/${businessId}/settings`);
  if (!settingsOut.ok || settingsOut.status !== 200) return failure(settingsOut);
  const info = readReply(settingsOut.text, settingsSchema)?.result.info;
  const cabinet = typeof info?.name === 'string' ? `“${info.name}” (${businessId})` : businessId;
  return { ok: true, reason: 'connected', detail: `Token “${name}”: ${scopes.join(', ')}. Cabinet ${cabinet}.` };
}

function rateRules(message: MarketMessage, account: AdapterAccount): RateRule[] {
  const msg = resolved(message, account);
  const method = msg.kind === 'file' ? 'sendFileToChat' : 'sendMessageToChat';
  return [{ key: `market:${msg.businessId}:${method}`, limit: marketLimits.requestsPerHour, windowMs: QUOTA_WINDOW_MS }];
}

export const marketAdapter: ProviderAdapter<MarketMessage> = {
  provider: 'market',
  idempotent: false,
  check: (msg, account, file) => checkWithFile(resolved(msg, account), file),
  send,
  checkConnection,
  rateRules,
  describe: (msg, file) => {
    const to = { kind: 'chat', id: normalizeMarketId(msg.chatId) } as const;
    if (msg.kind === 'text') return { to, preview: textPreview(msg.text ?? ''), searchText: msg.text ?? '' };
    let name = '';
    try {
      name = file && msg.file ? file(msg.file).name : '';
    } catch {
      name = '';
    }
    return { to, preview: listPreview('files', 1, [name]), searchText: name };
  },
};
