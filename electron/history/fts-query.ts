/**
 * How much of a send's text is indexed for search. Search text is made for finding a send, not
 * for keeping it (the message itself is stored whole), and a bound here means no stored value,
 * however long, can make indexing or a search's regular expressions run out of stack.
 */
export const SEARCH_TEXT_MAX = 20_000;
/**
 * The longest term kept in the term list and written into a query. A longer word is cut and
 * searched as a prefix, which finds the same sends: FTS5 matches the cut word against the whole.
 */
export const TERM_MAX = 64;

/** The text as it is indexed: its first SEARCH_TEXT_MAX characters. */
export function searchableText(text: string): string {
  return text.length > SEARCH_TEXT_MAX ? text.slice(0, SEARCH_TEXT_MAX) : text;
}

/**
 * The terms FTS5's unicode61 tokenizer (with remove_diacritics 2) makes of a text: lower case,
 * split on anything not a letter or digit, diacritics removed from Latin letters only (SQLite
 * folds "é" to "e" but keeps "й" and "ё" as they are). Each is cut to TERM_MAX characters.
 */
export function ftsTerms(text: string): string[] {
  const folded = searchableText(text)
    .toLowerCase()
    .normalize('NFD')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .normalize('NFC');
  return (folded.match(/[\p{L}\p{N}]+/gu) ?? []).map((t) => (t.length > TERM_MAX ? t.slice(0, TERM_MAX) : t));
}

/** One term in a query; a cut one (TERM_MAX long) stands for every longer word it begins. */
function quoted(term: string): string {
  return term.length >= TERM_MAX ? `"${term}"*` : `"${term}"`;
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
  const parts = words.map(quoted);
  const last = words.at(-1)!;
  if (last.length >= 2 && last.length <= 3) parts[parts.length - 1] = `"${last}"*`;
  else if (last.length >= 4 && last.length < TERM_MAX) {
    const terms = expand(last);
    if (terms === undefined) parts[parts.length - 1] = `"${last}"*`;
    else parts[parts.length - 1] = terms.length === 1 ? quoted(terms[0]!) : `(${terms.map(quoted).join(' OR ')})`;
  }
  return parts.join(' AND ');
}
