import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { clientFromBridge, type OperatorBridge, type OperatorClient } from '../shared/bridge.ts';
import type { HistoryQuery } from '../shared/contract.ts';
import { applyHistoryChange } from './history/live-history.ts';
import { createQueryClient } from './query-client.ts';
import { createWebBridge } from './transport/web.ts';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in the browser harness. */
    operator?: OperatorBridge;
  }
}

/** The typed client over whichever transport this window has; nothing above it knows which. */
export const client: OperatorClient = clientFromBridge(window.operator ?? createWebBridge());

export const queryClient = createQueryClient();

export const keys = {
  info: ['app', 'info'] as const,
  settings: ['settings'] as const,
  accounts: ['accounts'] as const,
  templates: ['templates'] as const,
  history: ['history'] as const,
  historyList: (q: HistoryQuery) => ['history', 'list', q] as const,
  send: (id: string) => ['history', 'send', id] as const,
  diadocTypes: (accountId: string) => ['diadoc', 'types', accountId] as const,
};

export function useAppInfo() {
  return useQuery({ queryKey: keys.info, queryFn: () => client.app.info() });
}

export function useSettings() {
  return useQuery({ queryKey: keys.settings, queryFn: () => client.settings.get(), staleTime: Infinity });
}

export function useSetLanguage() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (language: 'ru' | 'en') => client.settings.set({ language }),
    onSuccess: (s) => qc.setQueryData(keys.settings, s),
  });
}

export function useSetSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: { language?: 'ru' | 'en'; notifications?: boolean }) => client.settings.set(patch),
    onSuccess: (s) => qc.setQueryData(keys.settings, s),
  });
}

export function useAccounts() {
  return useQuery({ queryKey: keys.accounts, queryFn: () => client.accounts.list() });
}

export function useHistoryPages(q: Omit<HistoryQuery, 'cursor'>, enabled = true) {
  return useInfiniteQuery({
    enabled,
    queryKey: keys.historyList(q),
    queryFn: ({ pageParam }) => client.history.list({ ...q, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 5_000,
  });
}

/** How many sends wait for the operator's decision (outcome unknown), up to 100: kept fresh with the history. */
export function useUndecidedCount() {
  return useQuery({
    queryKey: [...keys.history, 'undecided'] as const,
    queryFn: async () => (await client.history.list({ undecided: true, limit: 100 })).items.length,
    staleTime: 5_000,
  });
}

export function useSendDetail(id: string | undefined) {
  return useQuery({ queryKey: keys.send(id ?? ''), queryFn: () => client.history.get({ id: id! }), enabled: !!id });
}

/**
 * Keeps history queries fresh from the main process's "history changed" events: the ids of a burst
 * are gathered per frame, and only the pages holding them (or the first page, for new sends) are fetched again.
 */
export function useLiveHistory(): void {
  const qc = useQueryClient();
  useEffect(() => {
    const pending = new Set<string>();
    return client.on.historyChanged(({ ids }) => {
      const first = pending.size === 0;
      for (const id of ids) pending.add(id);
      if (!first) return;
      requestAnimationFrame(() => {
        const batch = [...pending];
        pending.clear();
        void applyHistoryChange(qc, client.history, batch);
      });
    });
  }, [qc]);
}

export function useTemplates() {
  return useQuery({ queryKey: keys.templates, queryFn: () => client.templates.list() });
}
