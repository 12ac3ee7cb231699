import type { QueryClient } from '@tanstack/react-query';

/** Every team query lives under ['team']: the host's one "team changed" event makes them all stale at once. */
export const teamKeys = {
  all: ['team'] as const,
  status: ['team', 'status'] as const,
  sends: ['team', 'sends'] as const,
  templates: ['team', 'templates'] as const,
  conflicts: ['team', 'conflicts'] as const,
  send: (id: string) => ['team', 'send', id] as const,
  chat: (accountId: string, recipient: string) => ['team', 'chat', accountId, recipient] as const,
};

/**
 * The one place team queries follow the host: a burst of "team changed" events (a drain confirms
 * rows one batch at a time) marks every team query stale once per frame; only those on screen refetch.
 */
export function followTeamChanges(
  qc: QueryClient,
  subscribe: (listener: () => void) => () => void,
  nextFrame: (run: () => void) => () => void = (run) => {
    const id = requestAnimationFrame(run);
    return () => cancelAnimationFrame(id);
  },
): () => void {
  let pending: (() => void) | undefined;
  const off = subscribe(() => {
    pending ??= nextFrame(() => {
      pending = undefined;
      void qc.invalidateQueries({ queryKey: teamKeys.all });
    });
  });
  return () => {
    off();
    pending?.();
  };
}
