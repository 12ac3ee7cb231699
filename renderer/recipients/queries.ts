import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { client } from '../api.ts';

/** Query keys of the read side: a directory search per account and text, a conversation per account and target. */
export const readKeys = {
  directory: (accountId: string) => ['recipients', accountId] as const,
  search: (accountId: string, text: string) => ['recipients', accountId, 'search', text] as const,
  conversation: (accountId: string, target: string) => ['conversation', accountId, target] as const,
};

export function useRecipientSearch(accountId: string | undefined, text: string, enabled = true) {
  return useQuery({
    queryKey: readKeys.search(accountId ?? '', text),
    queryFn: () => client.recipients.search({ accountId: accountId!, text, limit: 8 }),
    enabled: !!accountId && enabled,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

export function useRefreshDirectory(accountId: string | undefined) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => client.recipients.refresh({ accountId: accountId! }),
    onSettled: () => qc.invalidateQueries({ queryKey: readKeys.directory(accountId ?? '') }),
  });
}

/**
 * Searches over a directory go stale when the main process stores a page of a refresh or ends one:
 * a picker opened while the first refresh ran would otherwise keep its empty answer until typed into again.
 */
export function useLiveDirectory(): void {
  const qc = useQueryClient();
  useEffect(
    () => client.on.directoryChanged(({ accountId }) => void qc.invalidateQueries({ queryKey: readKeys.directory(accountId) })),
    [qc],
  );
}
