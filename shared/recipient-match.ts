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
 * character of the Basic Multilingual Plane (a test does it again); and everything beyond that plane.
 */
const UNVERIFIED: readonly (readonly [number, number])[] = [
  [0x01a0, 0x0233],
  [0x0305, 0x03f5],
  [0x0528, 0x061d],
  [0x070e, 0x074c],
  [0x07b2, 0x08ff],
  [0x0984, 0x0eff],
  [0x0f48, 0x0fff],
  [0x10c6, 0x10cf],
  [0x1249, 0x1317],
  [0x135b, 0x13ff],
  [0x169d, 0x169f],
  [0x16f9, 0x177f],
  [0x17de, 0x181f],
  [0x1879, 0x18af],
  [0x18f6, 0x1a1d],
  [0x1a5f, 0x1aff],
  [0x1b4d, 0x1b7f],
  [0x1bf4, 0x1cff],
  [0x1de7, 0x1fff],
  [0x2065, 0x20ff],
  [0x218a, 0x218f],
  [0x23f4, 0x245f],
  [0x2700, 0x2700],
  [0x2b4d, 0x2c2f],
  [0x2cf4, 0x2ddf],
  [0x2e3c, 0x2e9a],
  [0x2ef4, 0x2eff],
  [0x2fd6, 0x2fff],
  [0x3040, 0x3040],
  [0x3097, 0x3098],
  [0x3100, 0x3130],
  [0x318f, 0x318f],
  [0x31e4, 0x321f],
  [0x32ff, 0x32ff],
  [0xa48d, 0xa4cf],
  [0xa62c, 0xa63f],
  [0xa698, 0xa69e],
  [0xa6f8, 0xa6ff],
  [0xa796, 0xa87f],
  [0xa8c5, 0xa8ff],
  [0xa954, 0xa97f],
  [0xa9ce, 0xaa7d],
  [0xaac3, 0xab6f],
  [0xabee, 0xabff],
  [0xd7a4, 0xd7ff],
  [0xe000, 0xf8ff],
  [0xfa6e, 0xfa6f],
  [0xfada, 0xfb45],
  [0xfbc2, 0xfbd2],
  [0xfd40, 0xfd4f],
  [0xfd90, 0xfe75],
  [0xfefd, 0xff00],
  [0xffbf, 0xfff8],
];

function unverified(code: number): boolean {
  if (code >= 0xd800 && code <= 0xdfff) return true;
  let lo = 0;
  let hi = UNVERIFIED.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [from, to] = UNVERIFIED[mid]!;
    if (code < from) hi = mid - 1;
    else if (code > to) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Does the tokenizer fold this text exactly as `words` does? Where it may not, the picker waits for the host. */
export function foldsExactly(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x1a0 && unverified(code)) return false;
  }
  return true;
}

/** Latin to Extended-A, Cyrillic, punctuation: text of these alone takes the fast path of `words`. */
function simple(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x180 && !(code >= 0x400 && code <= 0x4ff) && !(code >= 0x2000 && code <= 0x2064)) return false;
  }
  return true;
}

const isAccent = (code: number) => code >= 0x300 && code <= 0x36f;

/** A Latin letter with accents, or an accent alone: the slow path. */
function accented(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code >= 0xc0 && code <= 0x17f) || isAccent(code)) return true;
  }
  return false;
}

/** Letters the tokenizer folds otherwise than JavaScript's lower case does. */
const OWN_FOLDS: Record<string, string> = { µ: 'μ', ſ: 's', İ: 'i' };
const OWN_FOLD = /[µſİ]/g;
const WORD = /[\p{L}\p{N}]+/gu;
/** The same as WORD for lower-case `simple` text, spelled out (a `u` regex is several times slower). */
const SIMPLE_WORD =
  /[0-9a-z\u00AA\u00B2\u00B3\u00B5\u00B9\u00BA\u00BC-\u00BE\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u017F\u0400-\u0481\u048A-\u04FF]+/g;

/** remove_diacritics 2: a Latin letter with a single accent becomes the bare letter; an accent alone joins the letters around it. */
function stripAccents(lower: string): string {
  let out = '';
  for (const ch of lower) {
    const cp = ch.codePointAt(0)!;
    if (isAccent(cp)) continue;
    if (cp >= 0xc0 && cp <= 0x17f) {
      const parts = ch.normalize('NFD');
      if (parts.length === 2 && /[a-z]/.test(parts[0]!) && isAccent(parts.charCodeAt(1))) {
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
  if (accented(t)) t = stripAccents(t);
  return t.match(simple(t) ? SIMPLE_WORD : WORD) ?? [];
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
