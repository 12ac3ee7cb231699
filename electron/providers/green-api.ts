import { z } from 'zod';
import type { SendError } from '../../shared/errors.ts';
import type { Exchange } from '../../shared/sends.ts';
import {
  checkGreenApiMessage,
  normalizeGreenApiRecipient,
  type GreenApiForm,
  type GreenApiMessage,
} from '../../shared/messages/green-api.ts';
import { excerpt, httpExchange, parseJson, readReply, retryAfterUntil, type HttpOutcome } from './http.ts';
import { rateLimitedResult, type BackoffPolicy } from './plumbing/rate-limit.ts';
import { secretsOf } from './plumbing/secrets.ts';
import { meaningOfStatus } from './plumbing/status.ts';
import { serverErrorResult, transportResult } from './plumbing/transport.ts';
import type { AdapterAccount, AdapterContext, AttemptResult, ProviderAdapter } from './types.ts';
import { textPreview } from '../../shared/send-labels.ts';

/**
 * Green-API adapter: two connection forms of one provider (green-api.md).
 *
 * Decisions on the sheet's open questions:
 * - Both forms are supported (§9 q6): `v1` (`POST {base}/v1/messages`, Bearer token) because it is
 *   the seed's contract, and `instance` (`POST {apiUrl}/waInstance{id}/sendMessage/{token}`)
 *   because v1 is retired. The operator picks the form on the account.
 * - v1 error codes (§9 q2): the catalogue's 10xx codes are mapped; anything else (like the
 *   example's 82) is shown with the provider's own `details`/`title`.
 * - v1 ids (§9 q4): digits only; the composer strips `+`, spaces and an `@c.us` suffix first.
 * - Length: characters are code points (an emoji is one), as "до 4096 символов" and JSON Schema's
 *   `maxLength` count them. The instance form's limit is 20 000 on the current page and 4096 on
 *   the older revision (§7, §9 q5): both forms are held to 4096, the stricter reading, as the
 *   simulator is.
 * - No idempotency key exists: a send is repeated automatically only when the request provably
 *   never reached the provider (see the outbox). A 5xx (the current API's 502 included, which
 *   its page says to retry) is `outcome_unknown`: the message may have been queued.
 * - 429 (current API): Retry-After honoured with a 1 s floor, else 1, 2, 4 s with jitter; after
 *   three in a row the send stops as `failed`, nothing having been sent.
 * - The instance form has no shared host: every instance has its own `apiUrl` (§7), which the
 *   account asks for.
 */
const PACE: BackoffPolicy = { baseMs: 1000, floorMs: 1000, maxMs: 10 * 60_000, cap: 3 };

/** §6: the v1 error body; §7: the current API's 466 quota body. */
const v1ErrorSchema = z.object({
  errors: z
    .array(z.object({ code: z.number(), details: z.string().optional().catch(undefined), title: z.string().optional().catch(undefined) }))
    .min(1),
});
const quotaSchema = z.object({
  invokeStatus: z.object({ description: z.string().optional().catch(undefined), status: z.string().optional().catch(undefined) }),
});
/** §6: `{messages: [{id}]}`; §7: `{idMessage}`. */
const v1SentSchema = z.object({ messages: z.array(z.object({ id: z.union([z.string(), z.number()]) })).min(1) });
const instanceSentSchema = z.object({ idMessage: z.string() });
const stateSchema = z.object({ stateInstance: z.string() });
function formOf(account: AdapterAccount): GreenApiForm {
  return account.settings.provider === 'greenapi' ? account.settings.form : 'v1';
}

const v1Kinds: Record<number, { kind: SendError['kind']; field?: string; reason: string }> = {
  1010: { kind: 'provider_error', reason: 'provider_generic' },
  1011: { kind: 'invalid', reason: 'provider_invalid' },
  1020: { kind: 'invalid', field: 'to', reason: 'required' },
  1021: { kind: 'invalid', field: 'to', reason: 'bad_phone' },
  1022: { kind: 'not_found', field: 'to', reason: 'subscriber_not_found' },
  1023: { kind: 'forbidden', field: 'to', reason: 'subscriber_unsubscribed' },
  1024: { kind: 'provider_error', reason: 'provider_generic' },
  1030: { kind: 'invalid', field: 'text', reason: 'required' },
  1031: { kind: 'invalid', field: 'text', reason: 'provider_invalid' },
  1032: { kind: 'too_large', field: 'text', reason: 'too_long' },
  1040: { kind: 'unauthorized', reason: 'token_missing' },
  1041: { kind: 'unauthorized', reason: 'token_rejected' },
  1042: { kind: 'provider_error', reason: 'provider_generic' },
  1060: { kind: 'provider_error', reason: 'provider_generic' },
  1061: { kind: 'not_found', reason: 'provider_generic' },
  1062: { kind: 'payment_required', reason: 'subscription_needed' },
  1071: { kind: 'forbidden', reason: 'no_sender' },
  82: { kind: 'rate_limited', reason: 'quota_exceeded' },
};

const statusKind = (status: number): SendError['kind'] => meaningOfStatus(status, 'Green-API').kind;

function failure(ctx: AdapterContext, out: Extract<HttpOutcome, { ok: true }>, secrets: string[]): AttemptResult {
  const now = ctx.now();
  const exchanges = [out.exchange];
  if (out.status === 429) {
    const until = retryAfterUntil(out.headers, now);
    return rateLimitedResult({
      provider: 'Green-API',
      error: { kind: 'rate_limited', reason: 'too_fast', message: 'Green-API asks to send less often.', providerStatus: 429 },
      exchanges,
      now,
      ...(until !== undefined ? { providerWaitUntil: until } : {}),
      before: ctx.rateLimitedBefore ?? 0,
      random: ctx.random ?? Math.random,
      policy: PACE,
    });
  }
  const first = readReply(out.text, v1ErrorSchema)?.errors[0];
  const quota = first ? undefined : readReply(out.text, quotaSchema);
  if (first) {
    const known = v1Kinds[first.code];
    const providerText = [first.title, first.details].filter((s): s is string => typeof s === 'string').join(' — ');
    return {
      kind: 'failed',
      exchanges,
      error: {
        kind: known?.kind ?? statusKind(out.status),
        reason: known?.reason ?? 'provider_generic',
        message: typeof first.details === 'string' ? first.details : `Green-API error ${first.code}`,
        providerStatus: out.status,
        providerCode: String(first.code),
        ...(known?.field ? { field: known.field } : {}),
        ...(providerText ? { providerText: excerpt(providerText, secrets) } : {}),
      },
    };
  }
  if (quota) {
    const st = quota.invokeStatus;
    return {
      kind: 'failed',
      exchanges,
      error: {
        kind: 'rate_limited',
        reason: 'quota_exceeded',
        message: typeof st.description === 'string' ? st.description : 'Green-API quota exceeded',
        providerStatus: out.status,
        ...(typeof st.status === 'string' ? { providerCode: st.status } : {}),
      },
    };
  }
  const json = parseJson(out.text);
  const kind = json === undefined && out.status < 400 ? 'provider_error' : statusKind(out.status);
  const error: SendError = {
    kind,
    reason: json === undefined ? 'unreadable_reply' : 'provider_generic',
    message: `Green-API answered ${out.status}${out.truncated ? ' with an oversized reply' : json === undefined ? ' with a reply that is not JSON' : ''}.`,
    providerStatus: out.status,
    ...(out.text ? { providerText: excerpt(out.text, secrets) } : {}),
  };
  if (out.status >= 500) return serverErrorResult(error, exchanges, 'Green-API');
  return { kind: 'failed', exchanges, error };
}

async function sendV1(ctx: AdapterContext, msg: GreenApiMessage): Promise<AttemptResult> {
  const { account } = ctx;
  const secrets = secretsOf(account);
  const to = normalizeGreenApiRecipient(msg.recipientType, msg.to);
  const payload = { ...(msg.recipientType === 'group' ? { recipient_type: 'group' } : {}), to, type: 'text', text: { body: msg.text } };
  const out = await httpExchange(
    {
      method: 'POST',
      url: `${account.baseUrl.replace(/\/$/, '')}/v1/messages`,
      headers: { authorization: `Bearer ${account.secrets.token ?? ''}`, 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    },
    { secrets, fetch: ctx.fetch, timeoutMs: ctx.timeoutMs, ...(ctx.signal ? { signal: ctx.signal } : {}) },
  );
  if (!out.ok) return transportResult(out, ctx.now());
  if (out.status === 201) {
    const id = readReply(out.text, v1SentSchema)?.messages[0]?.id;
    if (id !== undefined) return { kind: 'sent', providerMessageId: String(id), exchanges: [out.exchange] };
    return unreadableSuccess(out, secrets);
  }
  return failure(ctx, out, secrets);
}

/** A success status says the message was created; only its id is unreadable, and repeating could duplicate it. */
function unreadableSuccess(out: { status: number; text: string; exchange: Exchange }, secrets: readonly string[]): AttemptResult {
  return {
    kind: 'unknown',
    exchanges: [out.exchange],
    error: {
      kind: 'outcome_unknown',
      reason: 'unreadable_success',
      message: 'Green-API accepted the request but its reply could not be read.',
      providerStatus: out.status,
      providerText: excerpt(out.text, secrets),
    },
  };
}

async function sendInstance(ctx: AdapterContext, msg: GreenApiMessage): Promise<AttemptResult> {
  const { account } = ctx;
  const secrets = secretsOf(account);
  const idInstance = account.settings.provider === 'greenapi' ? (account.settings.idInstance ?? '') : '';
  const to = normalizeGreenApiRecipient(msg.recipientType, msg.to);
  const chatId = `${to}@${msg.recipientType === 'group' ? 'g' : 'c'}.us`;
  const base = account.baseUrl.replace(/\/$/, '');
  const url = `${base}/waInstance${idInstance}/sendMessage/${encodeURIComponent(account.secrets.token ?? '')}`;
  const out = await httpExchange(
    { method: 'POST', url, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chatId, message: msg.text }) },
    {
      secrets,
      fetch: ctx.fetch,
      timeoutMs: ctx.timeoutMs,
      displayUrl: `${base}/waInstance${idInstance}/sendMessage/‹redacted›`,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    },
  );
  if (!out.ok) return transportResult(out, ctx.now());
  if (out.status === 200) {
    const sent = readReply(out.text, instanceSentSchema);
    if (sent) return { kind: 'sent', providerMessageId: sent.idMessage, exchanges: [out.exchange] };
    return unreadableSuccess(out, secrets);
  }
  return failure(ctx, out, secrets);
}

/**
 * v1 has no read-only call, so only a test send proves its token; the instance form has
 * `getStateInstance`, which also tells whether the instance is authorized to send.
 */
async function checkConnection(ctx: AdapterContext): Promise<{ ok: boolean; reason: string; detail?: string }> {
  const { account } = ctx;
  if (formOf(account) === 'v1') return { ok: false, reason: 'no_check_call' };
  const idInstance = account.settings.provider === 'greenapi' ? (account.settings.idInstance ?? '') : '';
  const base = account.baseUrl.replace(/\/$/, '');
  const out = await httpExchange(
    {
      method: 'GET',
      url: `${base}/waInstance${idInstance}/getStateInstance/${encodeURIComponent(account.secrets.token ?? '')}`,
      headers: {},
    },
    { secrets: secretsOf(account), fetch: ctx.fetch, timeoutMs: ctx.timeoutMs },
  );
  if (!out.ok) return { ok: false, reason: out.error.reason ?? 'not_reached' };
  if (out.status === 401) return { ok: false, reason: 'token_rejected' };
  if (out.status === 403) return { ok: false, reason: 'instance_unknown' };
  const state = readReply(out.text, stateSchema)?.stateInstance;
  if (out.status !== 200 || typeof state !== 'string')
    return { ok: false, reason: 'unreadable_reply', detail: excerpt(out.text, secretsOf(account)) };
  return state === 'authorized'
    ? { ok: true, reason: 'connected', detail: state }
    : { ok: false, reason: 'instance_not_authorized', detail: state };
}

export const greenApiAdapter: ProviderAdapter<GreenApiMessage> = {
  provider: 'greenapi',
  idempotent: false,
  checkConnection,
  check: (msg, account) => checkGreenApiMessage(msg, formOf(account)),
  send: (ctx, msg) => (formOf(ctx.account) === 'instance' ? sendInstance(ctx, msg) : sendV1(ctx, msg)),
  describe: (msg) => {
    const id = normalizeGreenApiRecipient(msg.recipientType, msg.to);
    return { to: { kind: 'address', id }, preview: textPreview(msg.text), searchText: msg.text };
  },
};
