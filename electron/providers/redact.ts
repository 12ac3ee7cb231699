/** Replaces every occurrence of a secret (and its URL-encoded form) in a text. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    out = out.split(s).join('‹redacted›');
    const enc = encodeURIComponent(s);
    if (enc !== s) out = out.split(enc).join('‹redacted›');
  }
  return out;
}
