/**
 * The terms FTS5's unicode61 tokenizer (with remove_diacritics 2) makes of a text: lower case,
 * split on anything not a letter or digit, diacritics removed from Latin letters only (SQLite
 * folds "é" to "e" but keeps "й" and "ё" as they are).
 */
export function ftsTerms(text: string): string[] {
  const folded = text
    .toLowerCase()
    .normalize('NFD')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .normalize('NFC');
  return folded.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The most exact terms one half-typed word may stand for before a native prefix query is cheaper. */
export const MAX_EXPANSION = 64;

/**
 * Turns what the operator typed into an FTS5 query: every word quoted (so `AND`, `-`, `"` and
 * `*` are just text), all of them required, the last one as a prefix because it may be half-typed.
 * A prefix of 2–3 characters uses FTS5's prefix index; a longer one is expanded by `expand` into
 * the exact terms it stands for (see migration 3). `undefined` when nothing searchable is left.
 */
export function ftsQuery(input: string, expand: (prefix: string) => string[] | undefined = () => undefined): string | undefined {
  const words = ftsTerms(input).slice(0, 12);
  if (!words.length) return undefined;
  const parts = words.map((w) => `"${w}"`);
  const last = words.at(-1)!;
  if (last.length >= 2 && last.length <= 3) parts[parts.length - 1] = `"${last}"*`;
  else if (last.length >= 4) {
    const terms = expand(last);
    if (terms === undefined) parts[parts.length - 1] = `"${last}"*`;
    else parts[parts.length - 1] = terms.length === 1 ? `"${terms[0]}"` : `(${terms.map((t) => `"${t}"`).join(' OR ')})`;
  }
  return parts.join(' AND ');
}
