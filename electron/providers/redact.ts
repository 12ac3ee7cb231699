import type { SendError } from '../../shared/errors.ts';
import type { Exchange } from '../../shared/sends.ts';
import type { AttemptResult } from './types.ts';

/** Replaces every occurrence of a secret (as written, URL-encoded or JSON-escaped) in a text. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    for (const form of new Set([s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)])) out = out.split(form).join('‹redacted›');
  }
  return out;
}

function redactRecord(r: Record<string, string>, secrets: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, redactText(v, secrets)]));
}

/** Every provider word an error carries, redacted: its message, code and text may all quote the request. */
export function redactError(e: SendError, secrets: readonly string[]): SendError {
  return {
    ...e,
    message: redactText(e.message, secrets),
    ...(e.providerText !== undefined ? { providerText: redactText(e.providerText, secrets) } : {}),
    ...(e.providerCode !== undefined ? { providerCode: redactText(e.providerCode, secrets) } : {}),
    ...(e.field !== undefined ? { field: redactText(e.field, secrets) } : {}),
  };
}

/** An exchange as history keeps it, redacted once more as a whole (URL, headers and bodies). */
export function redactExchange(x: Exchange, secrets: readonly string[]): Exchange {
  return {
    ...x,
    url: redactText(x.url, secrets),
    requestHeaders: redactRecord(x.requestHeaders, secrets),
    requestBody: redactText(x.requestBody, secrets),
    ...(x.responseHeaders ? { responseHeaders: redactRecord(x.responseHeaders, secrets) } : {}),
    ...(x.responseBody !== undefined ? { responseBody: redactText(x.responseBody, secrets) } : {}),
  };
}

/** The values of a signed upload form that act as credentials until it expires (policy, signature, credential). */
export function signedFormSecrets(fields: readonly (readonly [string, string])[]): string[] {
  return fields.filter(([k]) => /policy|signature|credential|security-token/i.test(k)).map(([, v]) => v);
}

/**
 * The one redaction every attempt passes through before the history, the UI or a log sees it,
 * whatever the adapter did or forgot: provider words quoting the token are cut here.
 */
export function redactAttempt(result: AttemptResult, secrets: readonly string[]): AttemptResult {
  const exchanges = result.exchanges.map((x) => redactExchange(x, secrets));
  return result.kind === 'sent' ? { ...result, exchanges } : { ...result, exchanges, error: redactError(result.error, secrets) };
}
