/**
 * A search with both words and row filters (provider, account, recipient, status) can be driven
 * from either side, and at a million rows the wrong side costs hundreds of milliseconds:
 *
 * - text first walks the word's matches newest-first and looks each send up to test the
 *   filters: cheap per row, but a common word with a filter that keeps few sends (one
 *   recipient, say) walks nearly every match before the page fills;
 * - filters first walks the filtered sends newest-first by their index and probes the full-text
 *   index for each: dearer per row, but it stops as soon as the page is full.
 *
 * Both sides are counted first, each up to a cap (a fraction of a millisecond), and the side
 * expected to walk fewer rows, weighted by its cost per row, drives the query.
 */

/** Rows each side is counted up to before the count is taken as "at least this many". */
export const COUNT_CAP = 20_000;

/** A filter-first row (an index step plus a full-text probe) against a text-first row (a lookup). */
const PROBE_COST = 3;

export interface SearchCounts {
  /** Sends in the seq range that pass the row filters, up to {@link COUNT_CAP}. */
  filtered: number;
  /** Full-text matches in the seq range, up to {@link COUNT_CAP}. */
  matched: number;
  /** Sends in the seq range (its width: seq has no gaps to speak of). */
  span: number;
  /** Rows the page needs. */
  want: number;
  /** Whether the filtered sends come out of their index in seq order (no sort before the limit). */
  filterStreams: boolean;
}

/** Expected rows walked before `want` of them pass a test that a fraction `share` passes. */
function walk(available: number, capped: boolean, want: number, share: number): number {
  const untilFull = share > 0 ? want / share : Infinity;
  return Math.min(capped ? Infinity : available, untilFull);
}

export function filtersFirst(c: SearchCounts): boolean {
  if (c.filtered === 0 || c.matched === 0) return c.filtered <= c.matched;
  const span = Math.max(c.span, c.filtered, c.matched);
  const filteredCapped = c.filtered >= COUNT_CAP;
  const matchedCapped = c.matched >= COUNT_CAP;
  // Text first: each match passes the filters with the filters' share of the range.
  const textWalk = walk(c.matched, matchedCapped, c.want, c.filtered / span);
  // Filters first: each filtered send matches with the words' share; without order, all of them.
  const filterWalk = c.filterStreams ? walk(c.filtered, filteredCapped, c.want, c.matched / span) : filteredCapped ? Infinity : c.filtered;
  return filterWalk * PROBE_COST < textWalk;
}
