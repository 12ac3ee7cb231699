import type { SendError } from '../../shared/errors.ts';
import {
  checkGreenApiMessage,
  normalizeGreenApiRecipient,
  type GreenApiForm,
  type GreenApiMessage,
} from '../../shared/messages/green-api.ts';
import { excerpt, httpExchange, parseJson, retryAtFrom, type HttpOutcome } from './http.ts';
import type { AdapterAccount, AdapterContext, AttemptResult, ProviderAdapter } from './types.ts';

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
 *   never reached the provider (see the outbox).
 */
function formOf(account: AdapterAccount): GreenApiForm {
  return account.settings.provider === 'greenapi' ? account.settings.form : 'v1';
}

function secretsOf(account: AdapterAccount): string[] {
  return [account.secrets.token ?? ''].filter(Boolean);
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

function statusKind(status: number): SendError['kind'] {
  if (status === 400 || status === 422) return 'invalid';
  if (status === 401) return 'unauthorized';
  if (status === 402) return 'payment_required';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 413) return 'too_large';
  if (status === 429 || status === 466) return 'rate_limited';
  return 'provider_error';
}

/** Network failures and 429 are the only outcomes a repeat cannot duplicate. */
function transportResult(out: Extract<HttpOutcome, { ok: false }>, now: number): AttemptResult {
  if (out.reached === 'not_reached') return { kind: 'retry', error: out.error, retryAt: now + 2000, exchanges: [out.exchange] };
  return { kind: 'unknown', error: out.error, exchanges: [out.exchange] };
}

function failure(out: Extract<HttpOutcome, { ok: true }>, secrets: string[], now: number): AttemptResult {
  const exchanges = [out.exchange];
  const json = parseJson(out.text) as
    | { errors?: { code?: unknown; details?: unknown; title?: unknown }[] }
    | { invokeStatus?: { description?: unknown; status?: unknown } }
    | undefined;
  if (out.status === 429) {
    return {
      kind: 'retry',
      retryAt: retryAtFrom(out.headers, now, 5000),
      exchanges,
      error: { kind: 'rate_limited', reason: 'too_fast', message: 'Green-API asks to send less often.', providerStatus: 429 },
    };
  }
  const first = json && 'errors' in json && Array.isArray(json.errors) ? json.errors[0] : undefined;
  if (first && typeof first.code === 'number') {
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
  if (json && 'invokeStatus' in json && json.invokeStatus) {
    const st = json.invokeStatus;
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
  const kind = json === undefined && out.status < 400 ? 'provider_error' : statusKind(out.status);
  return {
    kind: 'failed',
    exchanges,
    error: {
      kind,
      reason: json === undefined ? 'unreadable_reply' : 'provider_generic',
      message: `Green-API answered ${out.status}${out.truncated ? ' with an oversized reply' : json === undefined ? ' with a reply that is not JSON' : ''}.`,
      providerStatus: out.status,
      ...(out.text ? { providerText: excerpt(out.text, secrets) } : {}),
    },
  };
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
    { secrets, timeoutMs: ctx.timeoutMs, ...(ctx.signal ? { signal: ctx.signal } : {}) },
  );
  if (!out.ok) return transportResult(out, ctx.now());
  if (out.status === 201) {
    const json = parseJson(out.text) as { messages?: { id?: unknown }[] } | undefined;
    const id = json?.messages?.[0]?.id;
    if (typeof id === 'string' || typeof id === 'number') return { kind: 'sent', providerMessageId: String(id), exchanges: [out.exchange] };
    // 201 says the message was created; only its id is unreadable. Repeating could duplicate it.
    return {
      kind: 'unknown',
      exchanges: [out.exchange],
      error: {
        kind: 'outcome_unknown',
        reason: 'unreadable_success',
        message: 'Green-API accepted the request but its reply could not be read.',
        providerStatus: 201,
        providerText: excerpt(out.text, secrets),
      },
    };
  }
  return failure(out, secrets, ctx.now());
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
      timeoutMs: ctx.timeoutMs,
      displayUrl: `${base}/waInstance${idInstance}/sendMessage/‹redacted›`,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    },
  );
  if (!out.ok) return transportResult(out, ctx.now());
  if (out.status === 200) {
    const json = parseJson(out.text) as { idMessage?: unknown } | undefined;
    if (typeof json?.idMessage === 'string') return { kind: 'sent', providerMessageId: json.idMessage, exchanges: [out.exchange] };
    return {
      kind: 'unknown',
      exchanges: [out.exchange],
      error: {
        kind: 'outcome_unknown',
        reason: 'unreadable_success',
        message: 'Green-API accepted the request but its reply could not be read.',
        providerStatus: 200,
        providerText: excerpt(out.text, secrets),
      },
    };
  }
  return failure(out, secrets, ctx.now());
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
    { secrets: secretsOf(account), timeoutMs: ctx.timeoutMs },
  );
  if (!out.ok) return { ok: false, reason: out.error.reason ?? 'not_reached' };
  if (out.status === 401) return { ok: false, reason: 'token_rejected' };
  if (out.status === 403) return { ok: false, reason: 'instance_unknown' };
  const state = (parseJson(out.text) as { stateInstance?: unknown } | undefined)?.stateInstance;
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
    const recipient = normalizeGreenApiRecipient(msg.recipientType, msg.to);
    return { recipient, preview: msg.text.slice(0, 200), searchText: msg.text };
  },
};
