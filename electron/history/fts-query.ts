/**
 * Turns what the operator typed into an FTS5 query: every word quoted (so `AND`, `-`, `"` and
 * `*` are just text), all of them required, the last one as a prefix because it may be half-typed.
 * `undefined` when nothing searchable is left.
 */
export function ftsQuery(input: string): string | undefined {
  const words = input.toLowerCase().match(/[\p{L}\p{N}]+/gu);
  if (!words?.length) return undefined;
  const quoted = words.slice(0, 12).map((w) => `"${w}"`);
  const last = quoted.length - 1;
  // A one-letter prefix would expand to a large part of the vocabulary; it is matched whole.
  if (words[last]!.length >= 2) quoted[last] = `${quoted[last]}*`;
  return quoted.join(' ');
}
