import {
  emptyTextList,
  foldsExactly,
  mayLookUp,
  rankMatches,
  SEARCH_CANDIDATES,
  searchTerms,
  spellings,
  words,
  yoAsYe,
} from '../../shared/recipient-match.ts';
import { recipientKinds } from '../../shared/recipient-kinds.ts';
import type { ProviderId } from '../../shared/providers.ts';
import type { DirectorySnapshot, DirectoryState, Recipient } from '../../shared/recipients.ts';

/** Between the words of a row's haystack: no word holds it, so `includes(SEP + term)` is "a word starts with term". */
const SEP = '\u0001';
/** Words are filed under their first one, two and three letters (ё as е), as the host's index keeps prefixes. */
const KEY_LENGTHS = [1, 2, 3] as const;
/** The most rows the copy holds (about 30 MB); a larger directory is answered by the host alone beyond them. */
export const COPY_MAX_ROWS = 250_000;

type Row = Omit<Recipient, 'accountId' | 'provider'>;

/**
 * The picker's own copy of an account's directory, searchable within a keystroke's render: each
 * row's folded words in one string, and for every one-to-three-letter prefix the rows with a word
 * that starts so, in the host index's order. Built a page (and a slice of a page) at a time.
 */
export interface DirectoryIndex {
  accountId: string;
  provider: ProviderId;
  /** The revision of the first page; `consistent` is false when a later page came from another. */
  revision: string;
  consistent: boolean;
  directory: DirectoryState;
  size: number;
  /** Every row folds as the host's index folds it (checked scripts only). */
  folds: boolean;
  /** The copy holds every row of the directory. */
  whole: boolean;
  targets: string[];
  kinds: number[];
  names: string[];
  details: string[];
  hay: string[];
  rowsByPrefix: Map<string, number[]>;
  usedAt: Map<number, number>;
  recent: number[];
  byName: Row[];
}

export function startIndex(accountId: string, first: DirectorySnapshot): DirectoryIndex {
  return {
    accountId,
    provider: first.provider,
    revision: first.revision,
    consistent: true,
    directory: first.directory,
    size: 0,
    folds: true,
    whole: false,
    targets: [],
    kinds: [],
    names: [],
    details: [],
    hay: [],
    rowsByPrefix: new Map(),
    usedAt: new Map(),
    recent: [],
    byName: first.byName,
  };
}

/** Files rows `from` to `to` of a page into the copy (pages in order, each page's slices in order). */
export function addRows(ix: DirectoryIndex, page: DirectorySnapshot, from: number, to: number): void {
  if (from === 0 && page.revision !== ix.revision) ix.consistent = false;
  const base = ix.size - from;
  for (let j = from; j < to; j++) {
    const i = base + j;
    const name = page.names[j]!;
    const detail = page.details[j]!;
    const target = page.targets[j]!;
    const all = `${name} ${detail} ${target}`;
    if (ix.folds && !foldsExactly(all)) ix.folds = false;
    const ws = words(all);
    ix.targets.push(target);
    ix.names.push(name);
    ix.details.push(detail);
    ix.kinds.push(Number(page.kinds[j]));
    ix.hay.push(SEP + ws.join(SEP));
    for (const w of ws) {
      const plain = yoAsYe(w);
      for (const n of KEY_LENGTHS) {
        if (plain.length < n) break;
        const key = plain.slice(0, n);
        let list = ix.rowsByPrefix.get(key);
        if (!list) ix.rowsByPrefix.set(key, (list = []));
        // Rows come in order, so a row filed twice under one key is the list's last.
        if (list[list.length - 1] !== i) list.push(i);
      }
    }
  }
  ix.size = base + to;
  for (const [j, at] of page.used) if (j >= from && j < to) ix.usedAt.set(base + j, at);
  if (to === page.targets.length) {
    // Newest first; among equal times the later row first, as the host reads its index of use backwards.
    ix.recent = [...ix.usedAt].sort((a, b) => b[1] - a[1] || b[0] - a[0]).map(([i]) => i);
    if (page.next === undefined) ix.whole = true;
  }
}

/**
 * A recipient was written to, and the directory's revision is now `revision`: the copy marks it
 * itself when that is the only change since its own revision (the next one after it) and it holds
 * the row; nothing when it cannot, and must be fetched again.
 */
export function markUsed(ix: DirectoryIndex, revision: string, used: { target: string; at: number }): DirectoryIndex | undefined {
  const [opened, n] = ix.revision.split('.');
  if (revision !== `${opened}.${Number(n) + 1}` || !ix.consistent) return undefined;
  const row = ix.targets.indexOf(used.target);
  if (row < 0) return undefined;
  const usedAt = new Map(ix.usedAt).set(row, used.at);
  const recent = [...usedAt].sort((a, b) => b[1] - a[1] || b[0] - a[0]).map(([i]) => i);
  return { ...ix, revision, usedAt, recent };
}

/** A page's rows in slices of `rows` to file one at a time; an empty page (the end of a directory of whole pages) is one empty slice. */
export function slicesOf(page: DirectorySnapshot, rows: number): [number, number][] {
  const out: [number, number][] = [];
  for (let from = 0; from === 0 || from < page.targets.length; from += rows) out.push([from, Math.min(page.targets.length, from + rows)]);
  return out;
}

/** The whole copy at once (tests). */
export function buildIndex(accountId: string, pages: readonly DirectorySnapshot[], sliceRows = 1000): DirectoryIndex {
  const ix = startIndex(accountId, pages[0]!);
  for (const p of pages) for (const [from, to] of slicesOf(p, sliceRows)) addRows(ix, p, from, to);
  return ix;
}

function recipient(ix: DirectoryIndex, i: number): Recipient {
  const at = ix.usedAt.get(i);
  return {
    accountId: ix.accountId,
    provider: ix.provider,
    kind: recipientKinds[ix.kinds[i]!] ?? 'chat',
    target: ix.targets[i]!,
    name: ix.names[i]!,
    detail: ix.details[i]!,
    ...(at !== undefined ? { lastUsedAt: at } : {}),
  };
}

export interface LocalAnswer {
  items: Recipient[];
  /** The host answers the same for this copy's revision; otherwise these are genuine matches it may add to or reorder. */
  exact: boolean;
}

/** The host's search, over the copy: the same terms, the same first SEARCH_CANDIDATES matches in index order, the same order. */
export function searchIndex(ix: DirectoryIndex, text: string, limit: number): LocalAnswer {
  const complete = ix.whole && ix.consistent && ix.folds;
  const terms = searchTerms(text);
  if (!terms) {
    const items = emptyTextList(
      ix.recent.slice(0, limit).map((i) => recipient(ix, i)),
      ix.byName.map((r) => ({ accountId: ix.accountId, provider: ix.provider, ...r })),
      limit,
    );
    return { items, exact: complete };
  }
  const exactFor = (found: number) => complete && foldsExactly(text) && !(found === 0 && mayLookUp(text));
  const needles = terms.map((t) => spellings(t).map((s) => SEP + s));
  let driver: number[] | undefined;
  for (const t of terms) {
    const plain = yoAsYe(t);
    const rows = ix.rowsByPrefix.get(plain.slice(0, Math.min(plain.length, KEY_LENGTHS.length)));
    if (!rows) return { items: [], exact: exactFor(0) };
    if (!driver || rows.length < driver.length) driver = rows;
  }
  const found: number[] = [];
  for (const i of driver!) {
    const h = ix.hay[i]!;
    if (needles.every((alts) => alts.some((n) => h.includes(n)))) {
      found.push(i);
      if (found.length === SEARCH_CANDIDATES) break;
    }
  }
  const items = rankMatches(
    found.map((i) => recipient(ix, i)),
    text,
    limit,
  );
  return { items, exact: exactFor(items.length) };
}
