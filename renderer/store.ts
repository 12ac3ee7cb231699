import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { ProviderId } from '../shared/providers.ts';
import type { SendStatus } from '../shared/send-statuses.ts';
import { PERSISTED_UI_VERSION, readPersistedUi, type View } from './persisted-ui.ts';

export type { View } from './persisted-ui.ts';

export interface Toast {
  id: number;
  tone: 'ok' | 'error';
  text: string;
  sendId?: string;
}

/**
 * UI state and drafts only: server state (accounts, history, templates) lives in TanStack Query.
 * Drafts persist across restarts; each provider's composer keeps its recipient and body, and
 * bodies are also kept per recipient so switching recipients never carries text across.
 */
interface UiState {
  view: View;
  selectedSendId: string | undefined;
  /** The history's status filter, so other screens can open the history already filtered. */
  historyStatus: SendStatus | 'undecided' | '';
  accountByProvider: Partial<Record<ProviderId, string>>;
  composer: Partial<Record<ProviderId, Record<string, unknown>>>;
  drafts: Record<string, Record<string, unknown>>;
  /** A scheduled send a composer is editing: what it sends takes that send's place. */
  editing: Partial<Record<ProviderId, { sendId: string; scheduledAt: number }>>;
  toasts: Toast[];
  setView: (v: View) => void;
  selectSend: (id: string | undefined) => void;
  setHistoryStatus: (status: SendStatus | 'undecided' | '') => void;
  setAccount: (p: ProviderId, id: string) => void;
  setComposer: (p: ProviderId, value: Record<string, unknown>) => void;
  setDraft: (key: string, body: Record<string, unknown> | undefined) => void;
  setEditing: (p: ProviderId, edit: { sendId: string; scheduledAt: number } | undefined) => void;
  toast: (t: Omit<Toast, 'id'>) => void;
  dismiss: (id: number) => void;
}

let toastSeq = 0;

/** A copy of `record` with `key` set to `value`, or without `key` when there is no value. */
function withEntry<K extends string, V>(record: Partial<Record<K, V>>, key: K, value: V | undefined): Record<K, V> {
  const next = { ...record };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next as Record<K, V>;
}

export const useUi = create<UiState>()(
  persist(
    (set) => ({
      view: 'greenapi',
      selectedSendId: undefined,
      historyStatus: '',
      accountByProvider: {},
      composer: {},
      drafts: {},
      editing: {},
      toasts: [],
      setView: (view) => set({ view }),
      selectSend: (selectedSendId) => set({ selectedSendId }),
      setHistoryStatus: (historyStatus) => set({ historyStatus }),
      setAccount: (p, id) => set((s) => ({ accountByProvider: { ...s.accountByProvider, [p]: id } })),
      setComposer: (p, value) => set((s) => ({ composer: { ...s.composer, [p]: value } })),
      setDraft: (key, body) => set((s) => ({ drafts: withEntry(s.drafts, key, body) })),
      setEditing: (p, edit) => set((s) => ({ editing: withEntry(s.editing, p, edit) })),
      toast: (t) => set((s) => ({ toasts: [...s.toasts.slice(-3), { ...t, id: ++toastSeq }] })),
      dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((x) => x.id !== id) })),
    }),
    {
      name: 'operator-ui',
      version: PERSISTED_UI_VERSION,
      // localStorage is read through the guards on every start, whatever version wrote it.
      migrate: (stored) => readPersistedUi(stored),
      merge: (stored, current) => ({ ...current, ...readPersistedUi(stored) }),
      partialize: (s) => ({
        view: s.view,
        accountByProvider: s.accountByProvider,
        composer: s.composer,
        drafts: s.drafts,
        editing: s.editing,
      }),
    },
  ),
);
