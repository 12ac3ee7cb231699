import {
  emptyTextList,
  foldsExactly,
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

/**
 * The picker's own copy of an account's directory, searchable within a keystroke's render: each
 * row's folded words in one string, and for every one-to-three-letter prefix the rows with a word
 * that starts so, in the host index's order.
 */
export interface DirectoryIndex {
  accountId: string;
  provider: ProviderId;
  revision: string;
  directory: DirectoryState;
  size: number;
  /** Answers equal the host's: the copy holds the whole directory and every row folds as the host's index does. */
  exact: boolean;
  snapshot: DirectorySnapshot;
  hay: string[];
  rowsByPrefix: Map<string, Int32Array>;
  usedAt: Map<number, number>;
  recent: number[];
}

export function buildIndex(accountId: string, s: DirectorySnapshot): DirectoryIndex {
  const size = s.targets.length;
  const hay = new Array<string>(size);
  const lists = new Map<string, number[]>();
  let exact = !s.truncated;
  for (let i = 0; i < size; i++) {
    const name = s.names[i]!;
    const detail = s.details[i]!;
    const target = s.targets[i]!;
    if (exact && !(foldsExactly(name) && foldsExactly(detail) && foldsExactly(target))) exact = false;
    const ws = [...words(name), ...words(detail), ...words(target)];
    hay[i] = SEP + ws.join(SEP);
    for (const w of ws) {
      const plain = yoAsYe(w);
      for (const n of KEY_LENGTHS) {
        if (plain.length < n) break;
        const key = plain.slice(0, n);
        let list = lists.get(key);
        if (!list) lists.set(key, (list = []));
        // Rows come in order, so a row filed twice under one key is the list's last.
        if (list[list.length - 1] !== i) list.push(i);
      }
    }
  }
  const rowsByPrefix = new Map<string, Int32Array>();
  for (const [key, list] of lists) rowsByPrefix.set(key, Int32Array.from(list));
  const usedAt = new Map<number, number>(s.used);
  // Newest first; among equal times the later row first, as the host reads its index of use backwards.
  const recent = s.used.toSorted((a, b) => b[1] - a[1] || b[0] - a[0]).map(([i]) => i);
  return {
    accountId,
    provider: s.provider,
    revision: s.revision,
    directory: s.directory,
    size,
    exact,
    snapshot: s,
    hay,
    rowsByPrefix,
    usedAt,
    recent,
  };
}

function recipient(ix: DirectoryIndex, i: number): Recipient {
  const at = ix.usedAt.get(i);
  return {
    accountId: ix.accountId,
    provider: ix.provider,
    kind: recipientKinds[Number(ix.snapshot.kinds[i])] ?? 'chat',
    target: ix.snapshot.targets[i]!,
    name: ix.snapshot.names[i]!,
    detail: ix.snapshot.details[i]!,
    ...(at !== undefined ? { lastUsedAt: at } : {}),
  };
}

export interface LocalAnswer {
  items: Recipient[];
  /** The host will answer the same (given the copy is current); otherwise these are matches it may add to or reorder. */
  exact: boolean;
}

/** The host's search, over the copy: the same terms, the same first SEARCH_CANDIDATES matches in index order, the same order. */
export function searchIndex(ix: DirectoryIndex, text: string, limit: number): LocalAnswer {
  const terms = searchTerms(text);
  if (!terms) {
    const items = emptyTextList(
      ix.recent.slice(0, limit).map((i) => recipient(ix, i)),
      ix.snapshot.byName.map((i) => recipient(ix, i)),
      limit,
    );
    return { items, exact: ix.exact };
  }
  const needles = terms.map((t) => spellings(t).map((s) => SEP + s));
  let driver: Int32Array | undefined;
  for (const t of terms) {
    const plain = yoAsYe(t);
    const rows = ix.rowsByPrefix.get(plain.slice(0, Math.min(plain.length, KEY_LENGTHS.length)));
    if (!rows) return { items: [], exact: ix.exact && foldsExactly(text) };
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
  return { items, exact: ix.exact && foldsExactly(text) };
}
