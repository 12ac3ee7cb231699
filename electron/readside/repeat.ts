import { fileFieldsOf } from '../../shared/messages/index.ts';
import type { Clock } from '../clock.ts';
import type { FileRegistry } from '../files/registry.ts';
import type { HistoryStore, StoredSend } from '../history/types.ts';
import type { HttpFetch } from '../providers/http.ts';
import { adapterFor } from '../providers/index.ts';
import type { AttemptResult } from '../providers/types.ts';
import type { AccountSource } from './directory.ts';
import type { ReadClient } from './read-client.ts';

/**
 * A send's own request once more, with the idempotency key it was stored with, for the evidence
 * look of a provider that answers a repeated key with its first result (Diadoc's operationId,
 * diadoc.md §4). Only an idempotent adapter is repeated, only with the very files attached (a
 * changed file would make another request), through the same journal (Diadoc's shelf names, so the
 * body is the one sent before) and in its turn behind the account's sends. Nothing is written to
 * the history here: the evidence checker keeps the verdict.
 */
export function sameOperationRepeater(d: {
  accounts: AccountSource;
  files: FileRegistry;
  history: HistoryStore;
  client: ReadClient;
  clock: Clock;
  timeoutMs: number;
  fetch?: HttpFetch;
}): (send: StoredSend) => Promise<AttemptResult | undefined> {
  return async (send) => {
    const adapter = adapterFor(send.summary.provider);
    if (!adapter.idempotent || !send.operationId) return undefined;
    if (await d.files.changedSinceAttached(fileFieldsOf(send.message)).catch(() => true)) return undefined;
    const { adapter: account } = await d.accounts.resolve(send.summary.accountId);
    await d.client.turn(account.id, adapter.rateRules?.(send.message, account) ?? []);
    return adapter.send(
      {
        account,
        file: (id) => d.files.get(id),
        idempotencyKey: send.operationId,
        timeoutMs: d.timeoutMs,
        now: () => d.clock.now(),
        journal: { get: (k) => d.history.getState(k), set: (k, v) => d.history.setState(k, v) },
        ...(d.fetch ? { fetch: d.fetch } : {}),
      },
      send.message,
    );
  };
}
