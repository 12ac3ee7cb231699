/**
 * The directory's matching rules, in one place for both searches over it: the host's (SQLite FTS5,
 * `unicode61 remove_diacritics 2`) and the picker's own over its copy of the directory, which must
 * answer a keystroke with exactly what the host will answer a moment later.
 *
 * A search text becomes terms, each a prefix that some word of the name, the detail or the target
 * must start with; every term must match. Words are folded as the FTS tokenizer folds them (case;
 * a Latin letter with one accent loses it), and ё and е stand for each other, which the tokenizer
 * does not do: a term expands to its ё/е spellings, and the host asks the index for any of them.
 */

/** How many matches the host's index hands over before ordering; the picker cuts at the same row. */
export const SEARCH_CANDIDATES = 200;

/** A term with more ё/е than this matches only the spellings of its first ones (16 spellings at most). */
const MAX_YO_SWAPS = 4;

/**
 * Code points where this folding and SQLite's tokenizer part (its Unicode tables are older and have
 * quirks: Latin Extended-B, Greek, lone accents, unassigned points, …), found by comparing every
 * character of the Basic Multilingual Plane (a test does it again), and everything beyond that plane.
 * Not a `u` regex: those are several times slower here.
 */
const UNVERIFIED =
  /[\u01A0-\u0233\u0305-\u03F5\u0528-\u061D\u070E-\u074C\u07B2-\u08FF\u0984-\u0EFF\u0F48-\u0FFF\u10C6-\u10CF\u1249-\u1317\u135B-\u13FF\u169D-\u169F\u16F9-\u177F\u17DE-\u181F\u1879-\u18AF\u18F6-\u1A1D\u1A5F-\u1AFF\u1B4D-\u1B7F\u1BF4-\u1CFF\u1DE7-\u1FFF\u2065-\u20FF\u218A-\u218F\u23F4-\u245F\u2700\u2B4D-\u2C2F\u2CF4-\u2DDF\u2E3C-\u2E9A\u2EF4-\u2EFF\u2FD6-\u2FFF\u3040\u3097-\u3098\u3100-\u3130\u318F\u31E4-\u321F\u32FF\uA48D-\uA4CF\uA62C-\uA63F\uA698-\uA69E\uA6F8-\uA6FF\uA796-\uA87F\uA8C5-\uA8FF\uA954-\uA97F\uA9CE-\uAA7D\uAAC3-\uAB6F\uABEE-\uABFF\uD7A4-\uD7FF\uE000-\uF8FF\uFA6E-\uFA6F\uFADA-\uFB45\uFBC2-\uFBD2\uFD40-\uFD4F\uFD90-\uFE75\uFEFD-\uFF00\uFFBF-\uFFF8\uD800-\uDFFF]/;
/** Latin to Extended-A, Cyrillic, punctuation: text of these alone takes the fast path of `words`. */
const SIMPLE = /^[\u0000-\u017F\u0400-\u04FF\u2000-\u2064]*$/;

/** Does the tokenizer fold this text exactly as `words` does? Where it may not, the picker waits for the host. */
export function foldsExactly(text: string): boolean {
  return !UNVERIFIED.test(text);
}

/** Letters the tokenizer folds otherwise than JavaScript's lower case does. */
const OWN_FOLDS: Record<string, string> = { µ: 'μ', ſ: 's', İ: 'i' };
const OWN_FOLD = /[µſİ]/g;
/** A Latin letter with accents, or an accent alone: the slow path. */
const ACCENTED = /[\u00C0-\u017F\u0300-\u036F]/;
const WORD = /[\p{L}\p{N}]+/gu;
/** The same as WORD for lower-case SIMPLE text, spelled out (a `u` regex is several times slower). */
const SIMPLE_WORD =
  /[0-9a-z\u00AA\u00B2\u00B3\u00B5\u00B9\u00BA\u00BC-\u00BE\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u017F\u0400-\u0481\u048A-\u04FF]+/g;

/** remove_diacritics 2: a Latin letter with a single accent becomes the bare letter; an accent alone joins the letters around it. */
function stripAccents(lower: string): string {
  let out = '';
  for (const ch of lower) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x300 && cp <= 0x36f) continue;
    if (cp >= 0xc0 && cp <= 0x17f) {
      const parts = ch.normalize('NFD');
      if (parts.length === 2 && /[a-z]/.test(parts[0]!) && /[\u0300-\u036F]/.test(parts[1]!)) {
        out += parts[0];
        continue;
      }
    }
    out += ch;
  }
  return out;
}

/** The words of a name, detail or target as the index holds them. */
export function words(text: string): string[] {
  let t = text.replace(OWN_FOLD, (c) => OWN_FOLDS[c] ?? c).toLowerCase();
  if (ACCENTED.test(t)) t = stripAccents(t);
  return t.match(SIMPLE.test(t) ? SIMPLE_WORD : WORD) ?? [];
}

/** ё and е as one letter: the key the picker files words under. */
export function yoAsYe(word: string): string {
  return word.replaceAll('ё', 'е');
}

/** Every spelling of a folded term with its ё/е swapped (the first MAX_YO_SWAPS of them). */
export function spellings(term: string): string[] {
  let out = [''];
  let swaps = 0;
  for (const ch of term) {
    if ((ch === 'е' || ch === 'ё') && swaps < MAX_YO_SWAPS) {
      swaps++;
      out = out.flatMap((s) => [s + 'е', s + 'ё']);
    } else out = out.map((s) => s + ch);
  }
  return out;
}

/**
 * A search text as terms (folded prefixes, all required), or none for an empty text. A number typed
 * with separators (a phone "+7 901 234-56-78") is one term, as the directory stores phones; "INN KPP"
 * (or "INN/KPP") is two.
 */
export function searchTerms(text: string): string[] | undefined {
  const t = text.trim();
  if (!t) return undefined;
  if (/^[\d\s+()/-]+$/.test(t)) {
    const groups = t.split(/[\s/]+/).filter(Boolean);
    if (groups.length > 1 && groups.every((g) => /^\d{9,}$/.test(g))) return groups;
    const digits = t.replace(/\D/g, '');
    return digits ? [digits] : undefined;
  }
  const terms = words(t);
  return terms.length ? terms : undefined;
}

/** An INN (with or without a KPP): when nothing in the directory matches it, the host asks the provider (Diadoc). */
export function mayLookUp(text: string): boolean {
  return /^\s*\d{10}(\d{2})?\s*([/ ]\s*\d{9})?\s*$/.test(text);
}

/** The terms as an FTS5 query: each term any of its spellings as a prefix. */
export function ftsQuery(text: string): string | undefined {
  const terms = searchTerms(text);
  if (!terms) return undefined;
  return terms
    .map((term) => {
      const alts = spellings(term).map((s) => `"${s}"*`);
      return alts.length === 1 ? alts[0]! : `(${alts.join(' OR ')})`;
    })
    .join(' AND ');
}

/** The fields a match and its ordering read. */
export interface Matchable {
  name: string;
  lastUsedAt?: number | undefined;
}

/** SQLite's BINARY order of text: by code point (JavaScript's `<` compares UTF-16 units). */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** Does the name begin with the text exactly as typed (SQLite's `substr(name, 1, length) = typed`)? */
function startsAsTyped(name: string, typed: string): boolean {
  return Array.from(name).slice(0, typed.length).join('') === typed;
}

/**
 * The host's order of the candidates: recently used first (newest first), then names that begin
 * exactly as typed, then by name; ties keep the index's order (the candidates come in it).
 */
export function rankMatches<T extends Matchable>(candidates: readonly T[], text: string, limit: number): T[] {
  const typed = text.trim();
  const keyed = candidates.map((c) => ({ c, prefix: startsAsTyped(c.name, typed) }));
  keyed.sort((a, b) => {
    const ua = a.c.lastUsedAt;
    const ub = b.c.lastUsedAt;
    if ((ua === undefined) !== (ub === undefined)) return ua === undefined ? 1 : -1;
    if (ua !== undefined && ub !== undefined && ua !== ub) return ub - ua;
    if (a.prefix !== b.prefix) return a.prefix ? -1 : 1;
    return compareText(a.c.name, b.c.name);
  });
  return keyed.slice(0, limit).map((k) => k.c);
}

/**
 * What an empty text lists: recent recipients (newest first), then the first named ones by name.
 * `recent` is newest first, `byName` in name order and at least `limit + recent.length` long.
 */
export function emptyTextList<T extends Matchable & { target: string }>(recent: readonly T[], byName: readonly T[], limit: number): T[] {
  const first = recent.slice(0, limit);
  const seen = new Set(first.map((r) => r.target));
  const rest = byName.slice(0, limit + first.length).filter((r) => !seen.has(r.target) && r.name);
  return [...first, ...rest].slice(0, limit);
}
