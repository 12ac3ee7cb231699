import { InfiniteQueryObserver, QueryClient, type InfiniteData } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { HistoryQuery } from '../../shared/contract.ts';
import type { SendStatus } from '../../shared/send-statuses.ts';
import { applyHistoryChange, type HistoryLister } from './live-history.ts';

type Page = Awaited<ReturnType<HistoryLister['list']>>;
type Row = Page['items'][number];

/** A host's history in memory, newest first with a keyset cursor, counting every list call it answers. */
function countingHost(initial: number) {
  const rows: Row[] = [];
  const add = (status: SendStatus = 'pending') => {
    const seq = rows.length + 1;
    const row: Row = {
      id: `send-${seq}`,
      provider: 'pachca',
      accountId: 'acc-1',
      accountName: 'Pachca',
      sandbox: true,
      status,
      recipient: 'chat 1',
      to: { kind: 'chat', id: '1' },
      preview: { kind: 'text', text: `message ${seq}` },
      createdAt: seq,
      updatedAt: seq,
      attemptCount: 1,
    };
    rows.push(row);
    return row;
  };
  for (let i = 0; i < initial; i++) add('sent');
  const calls: HistoryQuery[] = [];
  const lister: HistoryLister = {
    list: async (q) => {
      calls.push(q);
      const limit = q.limit ?? 100;
      const before = q.cursor ? Number(q.cursor) : Infinity;
      const matching = rows
        .filter((r) => r.createdAt < before && (!q.statuses || q.statuses.includes(r.status)))
        .sort((a, b) => b.createdAt - a.createdAt);
      const items = matching.slice(0, limit).map((r) => ({ ...r }));
      return matching.length > limit ? { items, nextCursor: String(items.at(-1)!.createdAt) } : { items };
    },
  };
  const setStatus = (id: string, status: SendStatus) => {
    const row = rows.find((r) => r.id === id)!;
    row.status = status;
    row.updatedAt += 1;
  };
  return { lister, calls, add, setStatus };
}

async function tenPagesLoaded(host: ReturnType<typeof countingHost>, q: Omit<HistoryQuery, 'cursor'> = { limit: 20 }) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 5_000 } } });
  const observer = new InfiniteQueryObserver<Page, Error, InfiniteData<Page, string>, readonly unknown[], string>(qc, {
    queryKey: ['history', 'list', q],
    queryFn: ({ pageParam }) => host.lister.list({ ...q, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor,
  });
  const unsubscribe = observer.subscribe(() => {});
  await observer.refetch();
  for (let i = 1; i < 10; i++) await observer.fetchNextPage();
  const ids = () => observer.getCurrentResult().data!.pages.flatMap((p) => p.items.map((s) => s.id));
  return { qc, observer, unsubscribe, ids, key: ['history', 'list', q] as const };
}

describe('history events update only the page that holds the sends that changed', () => {
  it('a new send and each of its status changes cost one list call, with ten pages loaded', async () => {
    const host = countingHost(500);
    const view = await tenPagesLoaded(host);
    expect(view.observer.getCurrentResult().data!.pages).toHaveLength(10);
    host.calls.length = 0;

    const sent = host.add('pending');
    await applyHistoryChange(view.qc, host.lister, [sent.id]);
    host.setStatus(sent.id, 'sending');
    await applyHistoryChange(view.qc, host.lister, [sent.id]);
    host.setStatus(sent.id, 'sent');
    await applyHistoryChange(view.qc, host.lister, [sent.id]);

    expect(host.calls).toHaveLength(3);
    expect(host.calls.every((q) => q.cursor === undefined)).toBe(true);
    const ids = view.ids();
    expect(ids[0]).toBe(sent.id);
    expect(view.observer.getCurrentResult().data!.pages[0]!.items[0]!.status).toBe('sent');
    // Nothing was lost between the first page and the second, and nothing shows twice.
    expect(ids).toHaveLength(201);
    expect(new Set(ids).size).toBe(201);
    view.unsubscribe();
  });

  it('a change deep in the list fetches that one page again from its own cursor', async () => {
    const host = countingHost(500);
    const view = await tenPagesLoaded(host);
    const pages = view.observer.getCurrentResult().data!;
    const deep = pages.pages[7]!.items[3]!;
    host.calls.length = 0;

    host.setStatus(deep.id, 'outcome_unknown');
    await applyHistoryChange(view.qc, host.lister, [deep.id]);

    expect(host.calls).toEqual([{ limit: 20, cursor: pages.pageParams[7] }]);
    const after = view.observer.getCurrentResult().data!;
    expect(after.pages[7]!.items.find((s) => s.id === deep.id)?.status).toBe('outcome_unknown');
    expect(after.pages.filter((_, i) => i !== 7)).toEqual(pages.pages.filter((_, i) => i !== 7));
    view.unsubscribe();
  });

  it('a send that leaves a filtered list disappears without doubling the next page’s first row', async () => {
    const host = countingHost(500);
    const view = await tenPagesLoaded(host, { limit: 20, statuses: ['sent'] });
    const leaving = view.observer.getCurrentResult().data!.pages[2]!.items[5]!;
    host.calls.length = 0;

    host.setStatus(leaving.id, 'outcome_unknown');
    await applyHistoryChange(view.qc, host.lister, [leaving.id]);

    expect(host.calls).toHaveLength(1);
    const ids = view.ids();
    expect(ids).not.toContain(leaving.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(199);
    view.unsubscribe();
  });

  it('another send’s detail is left alone; the changed send’s detail is fetched again', async () => {
    const host = countingHost(5);
    const view = await tenPagesLoaded(host);
    view.qc.setQueryData(['history', 'send', 'send-1'], { id: 'send-1' });
    view.qc.setQueryData(['history', 'send', 'send-2'], { id: 'send-2' });

    await applyHistoryChange(view.qc, host.lister, ['send-2']);

    expect(view.qc.getQueryState(['history', 'send', 'send-1'])?.isInvalidated).toBe(false);
    expect(view.qc.getQueryState(['history', 'send', 'send-2'])?.isInvalidated).toBe(true);
    view.unsubscribe();
  });
});
