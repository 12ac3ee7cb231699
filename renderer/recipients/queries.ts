import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { client } from '../api.ts';
import { addRows, COPY_MAX_ROWS, markUsed, slicesOf, startIndex, type DirectoryIndex } from './directory-index.ts';

/** Query keys of the read side: a directory search per account and text, the picker's copy of it, a conversation per account and target. */
export const readKeys = {
  directory: (accountId: string) => ['recipients', accountId] as const,
  search: (accountId: string, text: string) => ['recipients', accountId, 'search', text] as const,
  copy: (accountId: string) => ['recipients', accountId, 'copy'] as const,
  conversation: (accountId: string, target: string) => ['conversation', accountId, target] as const,
};

/** Rows filed per slice of the copy's build: a few milliseconds, so a keystroke is never kept waiting behind it. */
const SLICE_ROWS = 1000;
/** A changing directory (a refresh stores a page a second) is copied again once it has been quiet this long. */
const COPY_AGAIN_AFTER_MS = 1500;

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Fetches the account's directory a page at a time and files it into the copy a slice at a time.
 * `null` when the host cannot give one: the picker then waits for the host's answers, as before.
 */
async function loadCopy(accountId: string, signal: AbortSignal): Promise<DirectoryIndex | null> {
  const t0 = performance.now();
  let page;
  try {
    page = await client.recipients.snapshot({ accountId });
  } catch {
    return null;
  }
  const ix = startIndex(accountId, page);
  let pages = 1;
  for (;;) {
    for (const [from, to] of slicesOf(page, SLICE_ROWS)) {
      if (signal.aborted) throw new DOMException('copy replaced', 'AbortError');
      addRows(ix, page, from, to);
      await nextTask();
    }
    if (page.next === undefined || ix.size >= COPY_MAX_ROWS) break;
    try {
      page = await client.recipients.snapshot({ accountId, after: page.next });
    } catch {
      return null;
    }
    pages++;
  }
  // The bench reads what the copy cost.
  performance.measure('operator:directory-copy', { start: t0, detail: { rows: ix.size, pages } });
  return ix;
}

/** `<opened>.<changes>`: is `a` a later state of the directory than `b`? */
function later(a: string, b: string): boolean {
  const [ea, na] = a.split('.');
  const [eb, nb] = b.split('.');
  return ea !== eb || Number(na) > Number(nb);
}

const copyTimers = new Map<string, ReturnType<typeof setTimeout>>();

/** The copy no longer answers for the host: its answers are provisional now, and it is fetched again once the directory is quiet. */
function copyIsBehind(qc: QueryClient, accountId: string): void {
  void qc.invalidateQueries({ queryKey: readKeys.copy(accountId), refetchType: 'none' });
  clearTimeout(copyTimers.get(accountId));
  copyTimers.set(
    accountId,
    setTimeout(() => {
      copyTimers.delete(accountId);
      void qc.refetchQueries({ queryKey: readKeys.copy(accountId), type: 'active' });
    }, COPY_AGAIN_AFTER_MS),
  );
}

/** The picker's own copy of the account's directory, loaded when a picker of the account first shows. */
export function useDirectoryCopy(accountId: string | undefined) {
  return useQuery({
    queryKey: readKeys.copy(accountId ?? ''),
    queryFn: ({ signal }) => loadCopy(accountId!, signal),
    enabled: !!accountId,
    staleTime: Infinity,
    gcTime: 10 * 60_000,
    // A hundred thousand rows are not compared field by field with the last copy.
    structuralSharing: false,
  });
}

export function useRecipientSearch(accountId: string | undefined, text: string, enabled = true) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: readKeys.search(accountId ?? '', text),
    queryFn: async () => {
      const result = await client.recipients.search({ accountId: accountId!, text, limit: 8 });
      const copy = qc.getQueryData<DirectoryIndex | null>(readKeys.copy(accountId!));
      if (copy && result.revision && later(result.revision, copy.revision)) copyIsBehind(qc, accountId!);
      return result;
    },
    enabled: !!accountId && enabled,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

export function useRefreshDirectory(accountId: string | undefined) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => client.recipients.refresh({ accountId: accountId! }),
    onSettled: () => invalidateDirectory(qc, accountId ?? ''),
  });
}

/**
 * The directory changed, or may have: searches over it are asked again, and the copy is fetched again
 * unless the news names the revision it already holds (a refresh that found nothing new).
 */
function invalidateDirectory(qc: QueryClient, accountId: string, revision?: string, used?: { target: string; at: number }): void {
  void qc.invalidateQueries({ queryKey: readKeys.directory(accountId), predicate: (q) => q.queryKey[2] !== 'copy' });
  const copy = qc.getQueryData<DirectoryIndex | null>(readKeys.copy(accountId));
  // A copy read during a refresh says so, and stays provisional until read again.
  if (copy && revision === copy.revision && copy.directory.state !== 'refreshing') return;
  // A send moved its recipient to the top: the copy marks it rather than fetch a hundred thousand rows again.
  const marked = copy && revision && used ? markUsed(copy, revision, used) : undefined;
  if (marked && !qc.getQueryState(readKeys.copy(accountId))?.isInvalidated) {
    qc.setQueryData(readKeys.copy(accountId), marked);
    return;
  }
  copyIsBehind(qc, accountId);
}

/**
 * Searches over a directory go stale when the main process stores a page of a refresh or ends one:
 * a picker opened while the first refresh ran would otherwise keep its empty answer until typed into again.
 */
export function useLiveDirectory(): void {
  const qc = useQueryClient();
  useEffect(() => client.on.directoryChanged(({ accountId, revision, used }) => invalidateDirectory(qc, accountId, revision, used)), [qc]);
}
