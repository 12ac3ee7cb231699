import { z } from 'zod';
import { type SendError } from '../../shared/errors.ts';
import { isOperatorError } from '../../shared/operator-error.ts';
import { checkPachcaMessage, wireButtons, type PachcaMessage } from '../../shared/messages/pachca.ts';
import type { Exchange } from '../../shared/sends.ts';
import { excerpt, httpExchange, parseJson, readReply, retryAfterUntil, type HttpOutcome } from './http.ts';
import { formDataName, planMultipart, streamMultipart } from './multipart.ts';
import { changedOnDisk, fileChangedError, type FileChangedError } from './plumbing/file-changed.ts';
import { problemToError } from './plumbing/problems.ts';
import { rateLimitedResult, type BackoffPolicy } from './plumbing/rate-limit.ts';
import { secretsOf } from './plumbing/secrets.ts';
import { meaningOfStatus } from './plumbing/status.ts';
import { NOT_REACHED_RETRY_MS, serverErrorResult, transportResult } from './plumbing/transport.ts';
import { redactText, signedFormSecrets } from './redact.ts';
import type { AdapterAccount, AdapterContext, AttemptResult, LocalFile, ProviderAdapter, RateRule } from './types.ts';
import { listPreview, textPreview } from '../../shared/send-labels.ts';

/**
 * Pachca adapter (pachca.md): files first, each through `POST /uploads` and a multipart upload to
 * the `direct_url` it returns (no Authorization header there; the form fields as given, the file
 * last), then `POST /messages` with `{message: {...}, link_preview}` and `Bearer` auth.
 *
 * Decisions on the sheet's open questions (§9):
 * 1. Buttons: 100 per message, 8 per row (seed and the spec's field text) and 32 rows (newest
 *    guide): every limit of both statements, as the simulator holds them (shared/messages/pachca.ts).
 * 2. `link_preview` goes at the top level, as the API has taken it since 2026-03-21, and never
 *    inside `message` (the simulator refuses the old place, the strict reading); it is sent only
 *    when the operator turned it on.
 * 3. `content` has no documented maximum; 40 000 characters is our guard. Empty content is sent
 *    only with files.
 * 4. Upload size and types are undocumented: nothing is refused here beyond the host's own cap.
 * 5. `direct_url` success: any 2xx (the guide says 201, the spec 204).
 * 6. 404/410 → `not_found`, 409 → `conflict`: shown with the provider's `errors[].message`.
 * Also: uploads create no message, so any failure while uploading is repeated safely; only the
 * final `POST /messages` can leave the outcome unknown. A 5xx there (502 and 504 from a gateway
 * included) is `outcome_unknown`: Pachca has no idempotency key (§8), so the operator decides.
 * 429 follows §7: honour Retry-After, never sooner than 1 s, else back off 1, 2, 4 s with jitter
 * 0.5–1.5, and stop after 3 refusals in a row, since a token that keeps hitting 429 may be restricted.
 * The per-chat pace (~4 requests per second per chat and token) is kept before Pachca refuses.
 * `${filename}` in the upload key is replaced by the file's name taken literally (§3 step 3), never
 * through `String.replace`, whose `$&` and `$'` patterns would corrupt a name like `a$&b$'c.pdf`;
 * the name goes in as the upload's part header carried it (a `"` as `%22`, as browsers send it),
 * since that is the name the storage filled in. The shown `name` is the file's own, unchanged.
 */
const UPLOAD_FLOOR_BYTES_PER_S = 256 * 1024;
const PACE: BackoffPolicy = { baseMs: 1000, floorMs: 1000, maxMs: 10 * 60_000, cap: 3 };

/** §3 step 1: the signed form; every string field goes back as it came, in its order. */
const uploadFormSchema = z.record(z.string(), z.unknown());
const uploadTargetSchema = z.object({ direct_url: z.string().refine((u) => URL.canParse(u)), key: z.string() });
/** §6: ApiError and OAuthError. */
const apiErrorSchema = z.object({
  errors: z.array(z.object({ key: z.string().nullish(), message: z.string().nullish(), code: z.string().nullish() })).min(1),
});
const oauthErrorSchema = z.object({ error: z.string(), error_description: z.string().nullish() });
/** §5: `{data: Message}`; only the id is needed. */
const createdSchema = z.object({ data: z.object({ id: z.union([z.number(), z.string()]) }) });
const profileSchema = z.object({
  data: z.object({ bot: z.boolean().optional(), first_name: z.string().nullish(), nickname: z.string().nullish() }),
});

/** §3 step 3: the key with `${filename}` standing for the name, literally. */
export function keyWithName(template: string, name: string): string {
  return template.split('${filename}').join(name);
}

function baseOf(account: AdapterAccount): string {
  return account.baseUrl.replace(/\/+$/, '');
}

const isBot = (account: AdapterAccount) => account.settings.provider === 'pachca' && account.settings.isBot;

/** `message.buttons.0.1.url` → the composer's `buttons.0.1.url`. */
function fieldOf(key: unknown): string | undefined {
  if (typeof key !== 'string' || !key) return undefined;
  const path = key.replace(/^message\./, '');
  const camel: Record<string, string> = {
    entity_id: 'entityId',
    entity_type: 'entityType',
    parent_message_id: 'parentMessageId',
    display_name: 'displayName',
    display_avatar_url: 'displayAvatarUrl',
    skip_invite_mentions: 'skipInviteMentions',
    link_preview: 'linkPreview',
  };
  const [head, ...rest] = path.split('.');
  return [camel[head!] ?? head, ...rest].join('.');
}

const kindOf = (status: number): SendError['kind'] => meaningOfStatus(status, 'Pachca').kind;

/** A refusal in the operator's terms: ApiError points at the field, OAuthError explains the token. */
function refusal(out: Extract<HttpOutcome, { ok: true }>, secrets: string[], what: string): SendError {
  const apiError = readReply(out.text, apiErrorSchema);
  const oauth = apiError ? undefined : readReply(out.text, oauthErrorSchema);
  const first = apiError?.errors[0];
  if (first) {
    const field = fieldOf(first.key);
    return {
      kind: kindOf(out.status),
      reason:
        typeof first.code === 'string' &&
        ['blank', 'too_long', 'not_found', 'wrong_params', 'forbidden', 'payment_required'].includes(first.code)
          ? `pachca_${first.code}`
          : 'provider_generic',
      message: typeof first.message === 'string' ? first.message : `${what}: Pachca answered ${out.status}.`,
      providerStatus: out.status,
      ...(typeof first.code === 'string' ? { providerCode: first.code } : {}),
      ...(field ? { field } : {}),
      ...(typeof first.message === 'string' ? { providerText: excerpt(first.message, secrets) } : {}),
    };
  }
  if (oauth) {
    return {
      kind: out.status === 403 ? 'forbidden' : 'unauthorized',
      reason: oauth.error === 'insufficient_scope' ? 'missing_scope' : 'token_rejected',
      message: typeof oauth.error_description === 'string' ? oauth.error_description : oauth.error,
      providerStatus: out.status,
      providerCode: oauth.error,
      ...(typeof oauth.error_description === 'string' ? { providerText: excerpt(oauth.error_description, secrets) } : {}),
    };
  }
  const json = parseJson(out.text);
  return {
    kind: json === undefined && out.status < 400 ? 'provider_error' : kindOf(out.status),
    reason: json === undefined ? 'unreadable_reply' : 'provider_generic',
    message: `${what}: Pachca answered ${out.status}${out.truncated ? ' with an oversized reply' : json === undefined ? ' with a reply that is not JSON' : ''}.`,
    providerStatus: out.status,
    ...(out.text ? { providerText: excerpt(out.text, secrets) } : {}),
  };
}

interface Uploaded {
  entry: { key: string; name: string; file_type: 'file' | 'image'; size: number };
  exchanges: Exchange[];
}

type UploadResult = Uploaded | { result: AttemptResult };

/** One file through the two upload steps. Nothing here can create a message. */
async function upload(ctx: AdapterContext, file: LocalFile, sentBefore: number, total: number): Promise<UploadResult> {
  const { account } = ctx;
  const secrets = secretsOf(account);
  const now = ctx.now();
  const exchanges: Exchange[] = [];
  /** Nothing exists yet, so an upload that got no answer is repeated safely; a local cause that waiting cannot mend stops here. */
  const noAnswer = (out: Extract<HttpOutcome, { ok: false }>): UploadResult => {
    if (out.reached === 'not_reached' && out.local !== 'connect') return { result: { kind: 'failed', exchanges, error: out.error } };
    return {
      result: {
        kind: 'retry',
        retryAt: now + NOT_REACHED_RETRY_MS,
        exchanges,
        error: {
          ...out.error,
          kind: 'network',
          reason: 'not_reached',
          message: `The file upload failed before the message was sent (${out.error.message}); it will be tried again.`,
        },
      },
    };
  };

  const params = await httpExchange(
    {
      method: 'POST',
      url: `${baseOf(account)}/uploads`,
      headers: { authorization: `Bearer ${account.secrets.token ?? ''}`, accept: 'application/json' },
    },
    { secrets, fetch: ctx.fetch, timeoutMs: ctx.timeoutMs, ...(ctx.signal ? { signal: ctx.signal } : {}) },
  );
  exchanges.push(params.exchange);
  if (!params.ok) return noAnswer(params);
  if (params.status === 429) return { result: paced(ctx, params, exchanges, 'Pachca asks to slow down.') };
  if (params.status !== 201 && params.status !== 200)
    return { result: { kind: 'failed', exchanges, error: refusal(params, secrets, 'File upload') } };
  const form = readReply(params.text, uploadFormSchema);
  const target = form && uploadTargetSchema.safeParse(form);
  if (!form || !target?.success) {
    return {
      result: {
        kind: 'failed',
        exchanges,
        error: {
          kind: 'provider_error',
          reason: 'unreadable_reply',
          message: 'Pachca’s upload parameters could not be read.',
          providerStatus: params.status,
          providerText: excerpt(params.text, secrets),
        },
      },
    };
  }
  const { direct_url: directUrl, key } = target.data;
  const fields = Object.entries(form).filter((e): e is [string, string] => e[0] !== 'direct_url' && typeof e[1] === 'string');
  // The signed form is a credential of its own for a while: history keeps neither its policy nor its signature.
  const formSecrets = [...secrets, ...signedFormSecrets(fields)];
  params.exchange.responseBody = redactText(params.exchange.responseBody ?? '', formSecrets);
  const plan = planMultipart(file, fields);
  let changed: FileChangedError | undefined;
  const put = await httpExchange(
    {
      method: 'POST',
      url: directUrl,
      headers: { 'content-type': plan.contentType, 'content-length': String(plan.contentLength) },
      body: streamMultipart(
        plan,
        file,
        (sent) => ctx.onProgress?.(sentBefore + sent, total),
        (e) => (changed = e),
        'files',
      ),
      contentLength: plan.contentLength,
      bodyForHistory: `multipart/form-data; fields ${fields.map(([k]) => k).join(', ')}; part "file": ‹${file.name}, ${file.type}, ${file.size} bytes, sha256 ${file.sha256}›`,
    },
    {
      secrets: formSecrets,
      fetch: ctx.fetch,
      timeoutMs: ctx.timeoutMs + Math.round((plan.contentLength / UPLOAD_FLOOR_BYTES_PER_S) * 1000),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    },
  );
  exchanges.push(put.exchange);
  if (changed) return { result: { kind: 'failed', exchanges, error: fileChangedError(changed) } };
  if (!put.ok) return noAnswer(put);
  if (put.status < 200 || put.status >= 300) {
    return {
      result: {
        kind: 'failed',
        exchanges,
        error: {
          kind: put.status === 403 ? 'forbidden' : kindOf(put.status),
          reason: 'upload_refused',
          field: 'files',
          message: `The file storage refused ${file.name} (${put.status}).`,
          providerStatus: put.status,
          providerText: excerpt(put.text, secrets),
        },
      },
    };
  }
  return {
    entry: {
      key: keyWithName(key, formDataName(file.name)),
      name: file.name,
      file_type: file.type.startsWith('image/') ? 'image' : 'file',
      size: file.size,
    },
    exchanges,
  };
}

/** A 429 (§7): Retry-After honoured with a floor, backoff with jitter, and a stop after the cap. */
function paced(ctx: AdapterContext, out: Extract<HttpOutcome, { ok: true }>, exchanges: Exchange[], message: string): AttemptResult {
  const now = ctx.now();
  const until = retryAfterUntil(out.headers, now);
  return rateLimitedResult({
    provider: 'Pachca',
    error: { kind: 'rate_limited', reason: 'too_fast', message, providerStatus: 429 },
    exchanges,
    now,
    ...(until !== undefined ? { providerWaitUntil: until } : {}),
    before: ctx.rateLimitedBefore ?? 0,
    random: ctx.random ?? Math.random,
    policy: PACE,
  });
}

function wireBody(msg: PachcaMessage, files: Uploaded['entry'][]): string {
  const message: Record<string, unknown> = { entity_type: msg.entityType, entity_id: msg.entityId, content: msg.content };
  if (files.length) message.files = files;
  if (msg.buttons?.length) message.buttons = wireButtons(msg.buttons);
  if (msg.parentMessageId !== undefined) message.parent_message_id = msg.parentMessageId;
  if (msg.displayName) message.display_name = msg.displayName;
  if (msg.displayAvatarUrl) message.display_avatar_url = msg.displayAvatarUrl;
  if (msg.skipInviteMentions) message.skip_invite_mentions = true;
  return JSON.stringify({ message, ...(msg.linkPreview ? { link_preview: true } : {}) });
}

async function send(ctx: AdapterContext, msg: PachcaMessage): Promise<AttemptResult> {
  const { account } = ctx;
  const secrets = secretsOf(account);
  const problem = checkPachcaMessage(msg, { isBot: isBot(account) })[0];
  if (problem) return { kind: 'failed', exchanges: [], error: problemToError(problem) };

  let local: LocalFile[];
  try {
    local = (msg.files ?? []).map((id) => ctx.file(id));
  } catch (e) {
    if (isOperatorError(e)) return { kind: 'failed', exchanges: [], error: e.error };
    throw e;
  }
  for (const f of local) {
    const changed = await changedOnDisk(f, 'files');
    if (changed) return { kind: 'failed', exchanges: [], error: changed };
  }
  const total = local.reduce((n, f) => n + f.size, 0);
  const exchanges: Exchange[] = [];
  const entries: Uploaded['entry'][] = [];
  let sent = 0;
  for (const f of local) {
    const r = await upload(ctx, f, sent, total);
    if ('result' in r) return { ...r.result, exchanges: [...exchanges, ...r.result.exchanges] };
    exchanges.push(...r.exchanges);
    entries.push(r.entry);
    sent += f.size;
  }

  const out = await httpExchange(
    {
      method: 'POST',
      url: `${baseOf(account)}/messages`,
      headers: {
        authorization: `Bearer ${account.secrets.token ?? ''}`,
        'content-type': 'application/json; charset=utf-8',
        accept: 'application/json',
      },
      body: wireBody(msg, entries),
    },
    { secrets, fetch: ctx.fetch, timeoutMs: ctx.timeoutMs, ...(ctx.signal ? { signal: ctx.signal } : {}) },
  );
  exchanges.push(out.exchange);
  if (!out.ok) return transportResult(out, ctx.now(), exchanges);
  if (out.status === 201 || out.status === 200) {
    const created = readReply(out.text, createdSchema);
    if (created) return { kind: 'sent', providerMessageId: String(created.data.id), exchanges };
    return {
      kind: 'unknown',
      exchanges,
      error: {
        kind: 'outcome_unknown',
        reason: 'unreadable_success',
        message: 'Pachca accepted the message but its reply could not be read.',
        providerStatus: out.status,
        providerText: excerpt(out.text, secrets),
      },
    };
  }
  if (out.status === 429) return paced(ctx, out, exchanges, 'Pachca asks to send less often.');
  const error = refusal(out, secrets, 'Message');
  if (out.status >= 500) return serverErrorResult(error, exchanges, 'Pachca');
  return { kind: 'failed', exchanges, error };
}

/** `GET /profile` is read-only and tells whether the token is a bot's, which the account claims. */
async function checkConnection(ctx: AdapterContext): Promise<{ ok: boolean; reason: string; detail?: string }> {
  const { account } = ctx;
  const out = await httpExchange(
    {
      method: 'GET',
      url: `${baseOf(account)}/profile`,
      headers: { authorization: `Bearer ${account.secrets.token ?? ''}`, accept: 'application/json' },
    },
    { secrets: secretsOf(account), fetch: ctx.fetch, timeoutMs: ctx.timeoutMs },
  );
  if (!out.ok) return { ok: false, reason: out.error.reason ?? 'not_reached' };
  if (out.status !== 200)
    return { ok: false, reason: refusal(out, secretsOf(account), 'Profile').reason ?? 'provider_generic', detail: `${out.status}` };
  const profile = readReply(out.text, profileSchema)?.data;
  if (!profile) return { ok: false, reason: 'unreadable_reply' };
  const name = [profile.first_name, profile.nickname].filter((x) => typeof x === 'string' && x).join(' · ');
  if (typeof profile.bot === 'boolean' && profile.bot !== isBot(account))
    return { ok: false, reason: profile.bot ? 'token_is_bot' : 'token_not_bot', detail: name };
  return { ok: true, reason: 'connected', detail: name };
}

/** ~4 sends per second per chat and token (pachca.md §7), kept before Pachca answers 429. */
function rateRules(msg: PachcaMessage, account: AdapterAccount): RateRule[] {
  return [{ key: `pachca:${account.id}:${msg.entityType}:${msg.entityId}`, limit: 4, windowMs: 1000 }];
}

export const pachcaAdapter: ProviderAdapter<PachcaMessage> = {
  provider: 'pachca',
  idempotent: false,
  check: (msg, account, file) => {
    const problems = checkPachcaMessage(msg, { isBot: isBot(account) });
    if (file) for (const id of msg.files ?? []) file(id);
    return problems;
  },
  send,
  checkConnection,
  rateRules,
  describe: (msg, file) => {
    const names = (msg.files ?? []).map((id) => {
      try {
        return file ? file(id).name : '';
      } catch {
        return '';
      }
    });
    const labels = (msg.buttons ?? []).flat().map((b) => b.text);
    const where = msg.entityType === 'discussion' ? 'chat' : msg.entityType;
    return {
      to: { kind: where, id: String(msg.entityId) },
      preview: msg.content.trim() ? textPreview(msg.content.trim()) : listPreview('files', names.length, names),
      searchText: [msg.content, ...labels, ...names, msg.displayName ?? ''].join(' '),
    };
  },
};
