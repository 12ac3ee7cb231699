import { fileIdsOf } from '../../shared/messages/index.ts';
import type { Clock } from '../clock.ts';
import type { HistoryStore } from '../history/types.ts';
import type { DirectoryStore } from './directory-store.ts';
import type { AccountSource } from './directory.ts';
import type { ReadClient } from './read-client.ts';
import type { AttemptResult } from '../providers/types.ts';
import { readers } from './readers/index.ts';
import type { StoredSend } from '../history/types.ts';

export interface EvidenceTiming {
  /** The first look after a send became uncertain. */
  firstLookMs: number;
  /** Overrides each reader's read-after-write delay (tests). */
  finalAfterMs?: number;
}

/**
 * Settles sends whose outcome is unknown by looking at the provider's record, never by sending
 * again. A match (the reader's rule: own author, same text, not before the send) marks the send
 * sent with the provider's message id and time kept beside it; no match once the provider's
 * read-after-write delay has passed is kept as "not found" and the operator decides. Providers
 * that offer no look (Green-API v1) say so. Diadoc's reader may repeat the send's own request with
 * its operationId (`repeat`), which Diadoc answers with the first result: no second message.
 */
export class EvidenceChecker {
  private readonly timers = new Map<string, unknown>();
  private closed = false;
  private readonly d: {
    history: HistoryStore;
    store: DirectoryStore;
    client: ReadClient;
    accounts: AccountSource;
    clock: Clock;
    fileName: (id: string) => string | undefined;
    changed: (id: string) => void;
    timing: EvidenceTiming;
    /** The send's request again with its own idempotency key (repeat.ts); absent, no reader repeats anything. */
    repeat?: (send: StoredSend) => Promise<AttemptResult | undefined>;
  };

  constructor(d: EvidenceChecker['d']) {
    this.d = d;
  }

  /** Looks at every send still waiting for a decision (after a start). */
  recover(): void {
    for (const s of this.d.history.list({ undecided: true, limit: 100 }).items) this.noticed(s.id);
  }

  /** A send changed: if its outcome became unknown, a look is planned. */
  noticed(id: string): void {
    if (this.closed || this.timers.has(id)) return;
    const s = this.d.history.get(id);
    if (!s || s.summary.status !== 'outcome_unknown') return;
    // Looked at already (found nothing, or cannot look): the operator has it now.
    if (this.d.store.settlement(id)) return;
    this.plan(id, this.d.timing.firstLookMs);
  }

  private plan(id: string, ms: number): void {
    this.timers.set(
      id,
      this.d.clock.setTimer(() => void this.look(id), Math.max(0, ms)),
    );
  }

  private async look(id: string): Promise<void> {
    this.timers.delete(id);
    if (this.closed) return;
    const s = this.d.history.get(id);
    if (!s || s.summary.status !== 'outcome_unknown') return;
    const now = this.d.clock.now();
    const reader = readers[s.summary.provider];
    let account;
    try {
      account = (await this.d.accounts.resolve(s.summary.accountId)).adapter;
    } catch {
      return;
    }
    if (!reader.evidence || !reader.supports(account)) {
      this.d.store.settle(id, { result: 'cannot_tell', by: 'app', checkedAt: now });
      this.d.changed(id);
      return;
    }
    const startedAt = s.attempts.at(-1)?.startedAt ?? s.summary.createdAt;
    const due = startedAt + (this.d.timing.finalAfterMs ?? reader.readAfterWriteMs);
    const claimed = new Set(
      this.d.history
        .list({ accountId: s.summary.accountId, statuses: ['sent'], limit: 200 })
        .items.flatMap((x) => (x.providerMessageId ? [x.providerMessageId] : [])),
    );
    let found;
    const repeat = this.d.repeat;
    try {
      found = await reader.evidence(
        { account, client: this.d.client, nameOf: () => undefined },
        {
          message: s.message,
          startedAt,
          fileNames: fileIdsOf(s.message).map((f) => this.d.fileName(f) ?? ''),
          claimed,
          now,
          operationId: s.operationId,
          attempts: s.attempts,
          fileName: this.d.fileName,
          ...(repeat ? { repeat: () => repeat(s) } : {}),
        },
      );
    } catch {
      // The provider could not be read now: look again later, the operator still sees "unknown".
      if (!this.closed) this.plan(id, Math.max(5_000, due - now));
      return;
    }
    if (found === 'cannot_tell') {
      this.d.store.settle(id, { result: 'cannot_tell', by: 'app', checkedAt: now });
      this.d.changed(id);
      return;
    }
    // The provider is still working on it (Diadoc's 204): its own word says when to ask again.
    if (found && 'lookAgainAt' in found) {
      if (!this.closed) this.plan(id, Math.max(1_000, found.lookAgainAt - this.d.clock.now()));
      return;
    }
    if (found) {
      const done = this.d.history.updateSend(
        id,
        { status: 'sent', updatedAt: this.d.clock.now(), providerMessageId: found.providerMessageId, error: null },
        ['outcome_unknown'],
      );
      if (done) {
        this.d.store.settle(id, {
          result: 'found',
          by: 'provider',
          providerMessageId: found.providerMessageId,
          providerAt: found.at,
          checkedAt: now,
        });
        this.d.changed(id);
      }
      return;
    }
    if (now >= due) {
      this.d.store.settle(id, { result: 'not_found', by: 'app', checkedAt: now });
      this.d.changed(id);
      return;
    }
    this.plan(id, due - now);
  }

  /** The operator marked it sent: kept as theirs, apart from what a provider confirmed. */
  markedByOperator(id: string): void {
    this.d.store.settle(id, { result: 'marked', by: 'operator', checkedAt: this.d.clock.now() });
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) this.d.clock.clearTimer(t);
    this.timers.clear();
  }
}
