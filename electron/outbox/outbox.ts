import { randomUUID } from 'node:crypto';
import type { SendRequest } from '../../shared/contract.ts';
import { OperatorError, sendError, type SendError } from '../../shared/errors.ts';
import type { EventName, EventPayload } from '../../shared/contract.ts';
import type { Attempt, SendSummary } from '../../shared/sends.ts';
import type { Clock } from '../clock.ts';
import type { FileRegistry } from '../files/registry.ts';
import type { HistoryStore, StatusPatch, StoredSend } from '../history/types.ts';
import { adapterFor } from '../providers/index.ts';
import { problemToError } from '../providers/plumbing/problems.ts';
import { redactAttempt } from '../providers/redact.ts';
import { secretsOf } from '../providers/plumbing/secrets.ts';
import type { AttemptResult } from '../providers/types.ts';
import type { AccountsService } from '../vault/accounts.ts';
import type { RateLimiter } from './limiter.ts';
import type { HttpFetch } from '../providers/http.ts';

export interface OutboxDeps {
  history: HistoryStore;
  accounts: AccountsService;
  files: FileRegistry;
  limiter: RateLimiter;
  clock: Clock;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** The HTTP stack provider requests go through (Chromium's in the app, Node's fetch elsewhere). */
  fetch?: HttpFetch;
  /** Automatic repeats of a request that never reached the provider, before giving up. */
  maxNotReachedRetries?: number;
  /** How long an idempotent "still processing" (Diadoc 204) may be polled before the operator is asked. */
  maxProcessingWaitMs?: number;
}

/** The pace refusals (429, 420) that ended the latest attempts, counted back to the first attempt that ended otherwise. */
function paceRefusalsInARow(attempts: readonly Attempt[]): number {
  let n = 0;
  for (const a of [...attempts].sort((x, y) => y.n - x.n)) {
    if (a.outcome !== 'retry' || a.error?.kind !== 'rate_limited') break;
    n++;
  }
  return n;
}

/**
 * The send pipeline. A send is written to history before any byte leaves; its idempotency key
 * is chosen then. Attempts move it forward only (DESIGN.md "Send states"); it is repeated
 * automatically only where a repeat cannot duplicate the message.
 */
export class Outbox {
  private readonly d: Required<Omit<OutboxDeps, 'emit' | 'fetch'>> & Pick<OutboxDeps, 'emit' | 'fetch'>;
  private readonly timers = new Map<string, unknown>();
  private readonly running = new Map<string, Promise<SendSummary>>();
  private closed = false;

  constructor(deps: OutboxDeps) {
    this.d = { timeoutMs: 30_000, maxNotReachedRetries: 5, maxProcessingWaitMs: 10 * 60_000, ...deps };
  }

  private changed(id: string): void {
    this.d.emit('historyChanged', { ids: [id] });
  }

  private summary(id: string): SendSummary {
    const s = this.d.history.getSummary(id);
    if (!s) throw new OperatorError(sendError('not_found', 'There is no such send.', { reason: 'send_missing' }));
    return s;
  }

  /** Validates, writes ahead, and runs the first attempt (or arms the schedule). */
  async submit(req: SendRequest, links: { resendOf?: string } = {}): Promise<SendSummary> {
    const { view, adapter: account } = await this.d.accounts.resolve(req.accountId);
    if (req.message.provider !== view.provider) {
      throw new OperatorError(
        sendError('invalid', 'The message is for another provider than the account.', { field: 'accountId', reason: 'provider_mismatch' }),
      );
    }
    const adapter = adapterFor(view.provider);
    const problems = adapter.check(req.message, account, (id) => this.d.files.get(id));
    if (problems.length) throw new OperatorError(problemToError(problems[0]!));
    const now = this.d.clock.now();
    const scheduled = req.scheduledAt !== undefined && req.scheduledAt > now;
    const text = adapter.describe(req.message, (id) => this.d.files.get(id));
    const id = `s_${randomUUID()}`;
    // Checked here, with no await before the write: a scheduled send cannot leave in between.
    const replaced = req.replaces ? this.replaceable(req.replaces) : undefined;
    const resendOf = links.resendOf ?? replaced;
    const write = () =>
      this.d.history.insertSend({
        id,
        provider: view.provider,
        accountId: view.id,
        accountName: view.name,
        sandbox: view.sandbox,
        status: scheduled ? 'scheduled' : 'pending',
        recipient: text.recipient,
        preview: text.preview,
        searchText: text.searchText,
        message: req.message,
        operationId: randomUUID(),
        createdAt: now,
        ...(scheduled ? { scheduledAt: req.scheduledAt } : {}),
        ...(req.groupId ? { groupId: req.groupId } : {}),
        ...(resendOf ? { resendOf } : {}),
      });
    if (replaced) {
      this.d.history.atomically(() => {
        write();
        this.d.history.updateSend(replaced, { status: 'cancelled', updatedAt: now, nextAttemptAt: null });
      });
      this.disarm(replaced);
      this.changed(replaced);
    } else write();
    this.changed(id);
    if (scheduled) {
      this.arm(id, req.scheduledAt!);
      return this.summary(id);
    }
    return this.run(id);
  }

  /** The id of a send that may still be replaced (scheduled, not yet left); anything else is refused. */
  private replaceable(id: string): string {
    const s = this.summary(id);
    if (s.status !== 'scheduled')
      throw new OperatorError(
        sendError('conflict', 'The scheduled send has already left or was cancelled; nothing was changed.', { reason: 'cannot_replace' }),
      );
    return id;
  }

  /** Runs one attempt of a send unless one is already under way. */
  run(id: string): Promise<SendSummary> {
    const busy = this.running.get(id);
    if (busy) return busy;
    const p = this.attempt(id).finally(() => this.running.delete(id));
    this.running.set(id, p);
    return p;
  }

  private arm(id: string, at: number): void {
    this.disarm(id);
    if (this.closed) return;
    const h = this.d.clock.setTimer(
      () => {
        this.timers.delete(id);
        void this.run(id).catch(() => {});
      },
      Math.max(0, at - this.d.clock.now()),
    );
    this.timers.set(id, h);
  }

  private disarm(id: string): void {
    const h = this.timers.get(id);
    if (h !== undefined) this.d.clock.clearTimer(h);
    this.timers.delete(id);
  }

  private async attempt(id: string): Promise<SendSummary> {
    const { history, clock } = this.d;
    const stored = history.get(id);
    if (!stored) throw new OperatorError(sendError('not_found', 'There is no such send.', { reason: 'send_missing' }));
    const st = stored.summary.status;
    if (st !== 'pending' && st !== 'waiting' && st !== 'scheduled') return stored.summary;
    if (st === 'scheduled' && (stored.summary.scheduledAt ?? 0) > clock.now()) {
      this.arm(id, stored.summary.scheduledAt!);
      return stored.summary;
    }

    let resolved;
    try {
      resolved = await this.d.accounts.resolve(stored.summary.accountId);
    } catch (e) {
      const error = e instanceof OperatorError ? e.error : sendError('provider_error', String(e));
      history.updateSend(id, { status: 'failed', updatedAt: clock.now(), error, nextAttemptAt: null });
      this.changed(id);
      return this.summary(id);
    }
    const adapter = adapterFor(stored.summary.provider);
    const rules = adapter.rateRules?.(stored.message, resolved.adapter) ?? [];
    const slot = this.d.limiter.nextSlot(rules);
    if (slot > clock.now()) {
      history.updateSend(id, {
        status: 'waiting',
        updatedAt: clock.now(),
        nextAttemptAt: slot,
        error: sendError('rate_limited', 'Waiting for the provider’s pace limit.', { reason: 'paced', retryAt: slot }),
      });
      this.changed(id);
      this.arm(id, slot);
      return this.summary(id);
    }
    this.d.limiter.take(rules);

    const n = stored.summary.attemptCount + 1;
    const startedAt = clock.now();
    history.startAttempt(id, n, startedAt);
    this.changed(id);

    let lastProgress = 0;
    let result: AttemptResult;
    try {
      result = await adapter.send(
        {
          account: resolved.adapter,
          file: (fid) => this.d.files.get(fid),
          idempotencyKey: stored.operationId,
          rateLimitedBefore: paceRefusalsInARow(stored.attempts),
          timeoutMs: this.d.timeoutMs,
          fetch: this.d.fetch,
          now: () => clock.now(),
          onProgress: (sent, total) => {
            const t = performance.now();
            if (sent < total && t - lastProgress < 50) return;
            lastProgress = t;
            this.d.emit('sendProgress', { sendId: id, sent, total });
          },
        },
        stored.message,
      );
    } catch (e) {
      // An adapter throws only before its first request (a file gone from disk, say).
      const error =
        e instanceof OperatorError
          ? e.error
          : sendError('provider_error', `The send could not be prepared: ${(e as Error).message}`, { reason: 'internal' });
      result = { kind: 'failed', error, exchanges: [] };
    }
    return this.settle(stored, n, redactAttempt(result, secretsOf(resolved.adapter)), rules);
  }

  private settle(
    stored: StoredSend,
    n: number,
    result: AttemptResult,
    rules: ReturnType<NonNullable<ReturnType<typeof adapterFor>['rateRules']>>,
  ): SendSummary {
    const { history, clock } = this.d;
    const id = stored.summary.id;
    const now = clock.now();
    const outcome = result.kind === 'retry' ? 'retry' : result.kind;
    // The attempt's record and the send's new status are one transaction.
    const finish = (patch: StatusPatch) =>
      history.finishAttempt(
        id,
        n,
        { endedAt: now, outcome, exchanges: result.exchanges, ...('error' in result ? { error: result.error } : {}) },
        patch,
      );
    switch (result.kind) {
      case 'sent':
        finish({ status: 'sent', updatedAt: now, providerMessageId: result.providerMessageId, error: null });
        break;
      case 'failed':
        finish({ status: 'failed', updatedAt: now, error: result.error });
        break;
      case 'unknown':
        finish({ status: 'outcome_unknown', updatedAt: now, error: result.error });
        break;
      case 'retry': {
        if (result.error.kind === 'rate_limited') this.d.limiter.block(rules, result.retryAt);
        const notReached = result.error.reason === 'not_reached';
        const adapter = adapterFor(stored.summary.provider);
        if (notReached && n > this.d.maxNotReachedRetries) {
          finish({ status: 'failed', updatedAt: now, error: result.error });
        } else if (
          adapter.idempotent &&
          !notReached &&
          result.error.kind !== 'rate_limited' &&
          now - stored.summary.createdAt > this.d.maxProcessingWaitMs
        ) {
          finish({
            status: 'outcome_unknown',
            updatedAt: now,
            error: sendError(
              'outcome_unknown',
              'The provider is still processing the message after the longest wait; check it there before sending again.',
              { reason: 'still_processing' },
            ),
          });
        } else {
          finish({ status: 'waiting', updatedAt: now, nextAttemptAt: result.retryAt, error: { ...result.error, retryAt: result.retryAt } });
          this.arm(id, result.retryAt);
        }
        break;
      }
    }
    this.changed(id);
    return this.summary(id);
  }

  cancel(id: string): SendSummary {
    const s = this.summary(id);
    if (s.status !== 'scheduled' && s.status !== 'pending' && s.status !== 'waiting') {
      throw new OperatorError(sendError('conflict', 'Only a send that has not left yet can be cancelled.', { reason: 'cannot_cancel' }));
    }
    this.disarm(id);
    this.d.history.updateSend(id, { status: 'cancelled', updatedAt: this.d.clock.now(), nextAttemptAt: null });
    this.changed(id);
    return this.summary(id);
  }

  /** Moves a scheduled send to another time (or edits nothing but the time). */
  reschedule(id: string, at: number): SendSummary {
    const s = this.summary(id);
    if (s.status !== 'scheduled')
      throw new OperatorError(sendError('conflict', 'Only a scheduled send can be rescheduled.', { reason: 'cannot_reschedule' }));
    this.d.history.updateSend(id, { status: 'scheduled', updatedAt: this.d.clock.now(), scheduledAt: at });
    this.arm(id, at);
    this.changed(id);
    return this.summary(id);
  }

  /** The operator's decision on a send whose outcome is unknown (or a failed one to repeat). */
  async resolve(id: string, as: 'sent' | 'send_again'): Promise<SendSummary> {
    const stored = this.d.history.get(id);
    if (!stored) throw new OperatorError(sendError('not_found', 'There is no such send.', { reason: 'send_missing' }));
    const st = stored.summary.status;
    if (as === 'sent') {
      if (st !== 'outcome_unknown')
        throw new OperatorError(
          sendError('conflict', 'Only a send with an unknown outcome can be marked as sent.', { reason: 'cannot_mark_sent' }),
        );
      this.d.history.updateSend(id, { status: 'sent', updatedAt: this.d.clock.now() });
      this.changed(id);
      return this.summary(id);
    }
    if (st !== 'outcome_unknown' && st !== 'failed' && st !== 'cancelled') {
      throw new OperatorError(
        sendError('conflict', 'This send has not ended; it cannot be sent again yet.', { reason: 'cannot_send_again' }),
      );
    }
    return this.submit(
      {
        accountId: stored.summary.accountId,
        message: stored.message,
        ...(stored.summary.groupId ? { groupId: stored.summary.groupId } : {}),
      },
      { resendOf: id },
    );
  }

  /**
   * After a start: every send left unfinished moves on by the same rules. One caught in
   * `sending` by a crash is repeated only if its provider is idempotent by key; otherwise
   * its outcome is unknown and the operator decides.
   */
  recover(): void {
    const now = this.d.clock.now();
    for (const s of this.d.history.unfinished()) {
      const id = s.summary.id;
      switch (s.summary.status) {
        case 'scheduled':
          this.arm(id, s.summary.scheduledAt ?? now);
          break;
        case 'waiting':
          this.arm(id, s.summary.nextAttemptAt ?? now);
          break;
        case 'pending':
          this.arm(id, now);
          break;
        case 'sending': {
          const n = s.summary.attemptCount;
          const interrupted = sendError(
            'outcome_unknown',
            'The app stopped while this send was on its way; the provider may have received it.',
            { reason: 'interrupted' },
          );
          const patch: StatusPatch = adapterFor(s.summary.provider).idempotent
            ? { status: 'waiting', updatedAt: now, nextAttemptAt: now, error: interrupted }
            : { status: 'outcome_unknown', updatedAt: now, error: interrupted };
          if (n > 0)
            this.d.history.finishAttempt(
              id,
              n,
              { endedAt: now, outcome: 'unknown', error: interrupted, exchanges: s.attempts.find((a) => a.n === n)?.exchanges ?? [] },
              patch,
            );
          else this.d.history.updateSend(id, patch);
          if (patch.status === 'waiting') this.arm(id, now);
          this.changed(id);
          break;
        }
        default:
          break;
      }
    }
  }

  /** Stops timers and waits for attempts under way, so a clean shutdown leaves nothing in `sending`. */
  async close(): Promise<void> {
    this.closed = true;
    for (const id of [...this.timers.keys()]) this.disarm(id);
    await Promise.allSettled([...this.running.values()]);
    this.d.limiter.flush();
  }
}
