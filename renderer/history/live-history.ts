import type { InfiniteData, QueryClient, QueryKey } from '@tanstack/react-query';
import type { OperatorClient } from '../../shared/bridge.ts';
import type { HistoryQuery } from '../../shared/contract.ts';

type HistoryPage = Awaited<ReturnType<OperatorClient['history']['list']>>;
type Pages = InfiniteData<HistoryPage, string>;
/** Only the list call: the cache needs nothing else of the host to bring a page up to date. */
export type HistoryLister = Pick<OperatorClient['history'], 'list'>;

/**
 * Brings the history cache up to date with the sends that changed, at the cost of one page per list:
 * the page that holds a changed send is fetched again from its own cursor, and a send no loaded page
 * holds is new, so it can only be on the first page (the list is newest first). Refetching every page
 * would cost as many calls as the operator has scrolled.
 */
export async function applyHistoryChange(qc: QueryClient, lister: HistoryLister, ids: readonly string[]): Promise<void> {
  const changed = new Set(ids);
  const work: Promise<unknown>[] = [];
  for (const query of qc.getQueryCache().findAll({ queryKey: ['history'] })) {
    const key = query.queryKey;
    if (key[1] === 'list') work.push(refreshListPage(qc, lister, key, changed));
    else if (key[1] === 'send') {
      if (changed.has(String(key[2]))) work.push(qc.invalidateQueries({ queryKey: key, exact: true }));
    } else work.push(qc.invalidateQueries({ queryKey: key, exact: true }));
  }
  await Promise.all(work);
}

async function refreshListPage(qc: QueryClient, lister: HistoryLister, key: QueryKey, changed: Set<string>): Promise<void> {
  const data = qc.getQueryData<Pages>(key);
  if (!data || data.pages.length === 0) return;
  const holding = data.pages.findIndex((p) => p.items.some((s) => changed.has(s.id)));
  const index = holding === -1 ? 0 : holding;
  const q = key[2] as Omit<HistoryQuery, 'cursor'>;
  const cursor = data.pageParams[index];
  const fresh = await lister.list({ ...q, ...(cursor ? { cursor } : {}) });
  qc.setQueryData<Pages>(key, (now) => (now ? replacePage(now, index, fresh, changed) : now));
}

/**
 * The fetched page takes the old one's place, keeping the old cursor so the pages after it still follow on.
 * Unchanged rows it no longer reaches because new sends pushed them down stay; rows a later page already shows are dropped.
 */
function replacePage(data: Pages, index: number, fresh: HistoryPage, changed: Set<string>): Pages {
  const old = data.pages[index];
  if (!old) return data;
  const later = new Set(data.pages.slice(index + 1).flatMap((p) => p.items.map((s) => s.id)));
  const fetched = new Set(fresh.items.map((s) => s.id));
  const oldest = fresh.items.at(-1)?.createdAt ?? Infinity;
  const pushedDown = old.items.filter((s) => !fetched.has(s.id) && !changed.has(s.id) && s.createdAt < oldest);
  const items = [...fresh.items, ...pushedDown].filter((s) => !later.has(s.id));
  const page: HistoryPage = old.nextCursor === undefined ? { items } : { items, nextCursor: old.nextCursor };
  return { ...data, pages: data.pages.map((p, i) => (i === index ? page : p)) };
}
