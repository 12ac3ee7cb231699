import { randomUUID } from 'node:crypto';
import type { SendRequest } from '../../shared/contract.ts';
import { type SendError } from '../../shared/errors.ts';
import { OperatorError, sendError } from '../../shared/operator-error.ts';
import type { EventName, EventPayload } from '../../shared/contract.ts';
import { fileFieldsOf } from '../../shared/messages/index.ts';
import type { SendStatus } from '../../shared/send-statuses.ts';
import type { Attempt, SendSummary } from '../../shared/sends.ts';
import { consoleLog, type Logger } from '../app/log-file.ts';
import type { Clock } from '../clock.ts';
import type { FileRegistry } from '../files/registry.ts';
import type { AttemptEnd, HistoryStore, StatusPatch, StoredSend, Transition } from '../history/types.ts';
import { lockHolder, writeFailure, type WriteCause } from '../history/write-failure.ts';
import { adapterFor } from '../providers/index.ts';
import { problemToError } from '../providers/plumbing/problems.ts';
import { redactAttempt } from '../providers/redact.ts';
import { secretsOf } from '../providers/plumbing/secrets.ts';
import type { AttemptResult } from '../providers/types.ts';
import type { AccountsService } from '../vault/accounts.ts';
import type { KillPointHook } from './kill-points.ts';
import type { RateLimiter } from './limiter.ts';
import type { HttpFetch } from '../providers/http.ts';
import { OutcomeJournal, type UnrecordedOutcome } from './outcome-journal.ts';

export interface OutboxDeps {
  history: HistoryStore;
  accounts: AccountsService;
  files: FileRegistry;
  limiter: RateLimiter;
  clock: Clock;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** The history's file: the outcome journal lives beside it, and a lock on it is traced to its holder. */
  historyFile: string;
  /** Only the crash test's host passes one (see kill-points.ts). */
  killPoint?: KillPointHook;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** The HTTP stack provider requests go through (Chromium's in the app, Node's fetch elsewhere). */
  fetch?: HttpFetch;
  /** Automatic repeats of a request that never reached the provider, before giving up. */
  maxNotReachedRetries?: number;
  /** How long an idempotent "still processing" (Diadoc 204) may be polled before the operator is asked. */
  maxProcessingWaitMs?: number;
  /** The host's log (the app's log file), so a write the history refused is on record for support. */
  log?: Logger;
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

/** Statuses a send may still leave from without an attempt under way. */
const DUE: readonly SendStatus[] = ['scheduled', 'pending', 'waiting'];
const SENDING: readonly SendStatus[] = ['sending'];

/** How long an operator's action waits, off the main thread's path, for a foreign lock on the history. */
const LOCK_PATIENCE_MS = 3000;
/** A send whose start could not be written is tried again after this. */
const RETRY_START_MS = 5000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * When the send first left: the processing budget counts from here, not from its creation, so a send
 * scheduled far ahead gets the whole budget when its time comes (issue 11).
 */
function firstAttemptAt(stored: StoredSend, now: number): number {
  return stored.attempts.reduce((min, a) => Math.min(min, a.startedAt), now);
}

/**
 * The send pipeline. A send is written to history before any byte leaves; its idempotency key
 * is chosen then. Attempts move it forward only (DESIGN.md "Send states"); it is repeated
 * automatically only where a repeat cannot duplicate the message.
 */
export class Outbox {
  private readonly d: Required<Omit<OutboxDeps, 'emit' | 'fetch' | 'killPoint'>> & Pick<OutboxDeps, 'emit' | 'fetch' | 'killPoint'>;
  private readonly timers = new Map<string, unknown>();
  private readonly running = new Map<string, Promise<SendSummary>>();
  private readonly journal: OutcomeJournal;
  private recordTimer: unknown;
  private recordDelay = 1000;
  private closed = false;
  private readonly stopJumps: () => void;

  constructor(deps: OutboxDeps) {
    this.d = { timeoutMs: 30_000, maxNotReachedRetries: 5, maxProcessingWaitMs: 10 * 60_000, log: consoleLog, ...deps };
    this.journal = new OutcomeJournal(`${deps.historyFile}.outcomes`);
    // The operator's "at 10:00" is wall-clock time: when the wall clock jumps, the schedule is re-armed by it.
    this.stopJumps = deps.clock.onJump(() => {
      // A snapshot: arm() re-inserts each key, which a live iteration of the map would visit again, for ever.
      for (const id of Array.from(this.timers.keys())) {
        const s = this.d.history.getSummary(id);
        if (s?.status === 'scheduled' && s.scheduledAt !== undefined) this.arm(id, s.scheduledAt - this.d.clock.now());
      }
    });
  }

  private changed(id: string): void {
    this.d.emit('historyChanged', { ids: [id] });
  }

  private summary(id: string): SendSummary {
    const s = this.d.history.getSummary(id);
    if (!s) throw new OperatorError(sendError('not_found', 'There is no such send.', { reason: 'send_missing' }));
    return this.view(s);
  }

  /** A send as the operator must see it: an outcome the history has not taken yet shows as that outcome, marked unrecorded. */
  view(s: SendSummary): SendSummary {
    const u = this.journal.get(s.id);
    if (!u) return s;
    const { patch } = u.transition;
    return {
      ...s,
      status: patch.status,
      updatedAt: patch.updatedAt,
      ...(patch.providerMessageId ? { providerMessageId: patch.providerMessageId } : {}),
      ...(patch.error ? { error: patch.error } : {}),
      unrecorded: { cause: u.cause, ...(u.holder ? { holder: u.holder } : {}) },
    };
  }

  /**
   * Runs a history write. A foreign lock fails a write after a few milliseconds (the store's busy
   * timeout), so the main process never freezes on it; the write is tried again here, between
   * awaits, for a few seconds, then refused naming the cause and, where known, the lock's holder.
   */
  private async write<T>(fn: () => T, consequence: string): Promise<T> {
    const started = performance.now();
    for (let wait = 10; ; wait = Math.min(wait * 2, 250)) {
      try {
        return fn();
      } catch (e) {
        const cause = writeFailure(e);
        if (!cause) throw e;
        if (cause === 'locked' && performance.now() - started < LOCK_PATIENCE_MS) {
          await sleep(wait);
          continue;
        }
        throw new OperatorError(this.historyError(cause, consequence));
      }
    }
  }

  private historyError(cause: WriteCause, consequence: string): SendError {
    const holder = cause === 'locked' ? lockHolder(this.d.historyFile) : undefined;
    return sendError(
      'provider_error',
      `The history cannot be written (${cause.replace('_', ' ')}${holder ? `, held by ${holder}` : ''}); ${consequence}`,
      { reason: `history_${cause}`, ...(holder ? { holder } : {}) },
    );
  }

  /** Validates, writes ahead, and runs the first attempt (or arms the schedule). */
  async submit(req: SendRequest, links: { resendOf?: string; operationId?: string } = {}): Promise<SendSummary> {
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
    const write = (also?: () => void) =>
      this.d.history.insertSend(
        {
          id,
          provider: view.provider,
          accountId: view.id,
          accountName: view.name,
          sandbox: view.sandbox,
          status: scheduled ? 'scheduled' : 'pending',
          to: text.to,
          preview: text.preview,
          searchText: text.searchText,
          message: req.message,
          operationId: links.operationId ?? randomUUID(),
          createdAt: now,
          ...(scheduled ? { scheduledAt: req.scheduledAt } : {}),
          ...(req.groupId ? { groupId: req.groupId } : {}),
          ...(resendOf ? { resendOf } : {}),
        },
        also,
      );
    await this.write(
      () =>
        write(
          replaced
            ? () => {
                // The old one must still be scheduled when the new one takes its place, in the same commit.
                if (!this.d.history.updateSend(replaced, { status: 'cancelled', updatedAt: now, nextAttemptAt: null }, ['scheduled']))
                  throw new OperatorError(this.cannotReplace());
              }
            : undefined,
        ),
      'nothing was sent.',
    );
    this.d.killPoint?.('after_write_ahead_commit', id);
    if (replaced) {
      this.disarm(replaced);
      this.changed(replaced);
    }
    this.changed(id);
    if (scheduled) {
      this.arm(id, req.scheduledAt! - now);
      return this.summary(id);
    }
    return this.run(id);
  }

  private cannotReplace(): SendError {
    return sendError('conflict', 'The scheduled send has already left or was cancelled; nothing was changed.', {
      reason: 'cannot_replace',
    });
  }

  /** The id of a send that may still be replaced (scheduled, not yet left); anything else is refused. */
  private replaceable(id: string): string {
    if (this.summary(id).status !== 'scheduled') throw new OperatorError(this.cannotReplace());
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

  /** Runs the send's next attempt after `delayMs` of monotonic time. */
  private arm(id: string, delayMs: number): void {
    this.disarm(id);
    if (this.closed) return;
    const h = this.d.clock.setTimer(
      () => {
        this.timers.delete(id);
        void this.run(id).catch(() => {});
      },
      Math.max(0, delayMs),
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
      this.arm(id, stored.summary.scheduledAt! - clock.now());
      return stored.summary;
    }

    // Awaits below (the secret box, a locked history) let the operator cancel, replace or
    // reschedule in between: every move from here is conditional on the status still being due,
    // and the move to `sending` is the last check before the first byte leaves.
    let resolved;
    try {
      resolved = await this.d.accounts.resolve(stored.summary.accountId);
    } catch (e) {
      const error = e instanceof OperatorError ? e.error : sendError('provider_error', String(e));
      await this.write(
        () => history.updateSend(id, { status: 'failed', updatedAt: clock.now(), error, nextAttemptAt: null }, DUE),
        'the send stays where it was.',
      );
      this.changed(id);
      return this.summary(id);
    }
    const adapter = adapterFor(stored.summary.provider);
    const rules = adapter.rateRules?.(stored.message, resolved.adapter) ?? [];
    const wait = this.d.limiter.waitMs(rules);
    if (wait > 0) {
      const retryAt = clock.now() + wait;
      const moved = await this.write(
        () =>
          history.updateSend(
            id,
            {
              status: 'waiting',
              updatedAt: clock.now(),
              nextAttemptAt: retryAt,
              error: sendError('rate_limited', 'Waiting for the provider’s pace limit.', { reason: 'paced', retryAt }),
            },
            DUE,
          ),
        'the send waits.',
      );
      if (moved) {
        this.changed(id);
        this.arm(id, wait);
      }
      return this.summary(id);
    }

    const n = stored.summary.attemptCount + 1;
    let started: boolean;
    try {
      started = await this.write(() => history.startAttempt(id, n, clock.now()), 'nothing was sent; the app tries again shortly.');
    } catch (e) {
      if (!(e instanceof OperatorError)) throw e;
      this.d.log.write('warn', 'outbox.not_started', { id, error: e.message });
      this.arm(id, RETRY_START_MS);
      throw e;
    }
    // Cancelled, replaced, rescheduled or taken by another attempt since it was read: nothing leaves.
    if (!started) return this.summary(id);
    this.d.limiter.take(rules);
    this.changed(id);

    let lastProgress = 0;
    let result: AttemptResult;
    try {
      const changed = await this.d.files.changedSinceAttached(fileFieldsOf(stored.message));
      if (changed) return this.settle(stored, n, { kind: 'failed', error: changed, exchanges: [] }, rules);
      result = await adapter.send(
        {
          account: resolved.adapter,
          file: (fid) => this.d.files.get(fid),
          idempotencyKey: stored.operationId,
          rateLimitedBefore: paceRefusalsInARow(stored.attempts),
          timeoutMs: this.d.timeoutMs,
          fetch: this.d.fetch,
          journal: { get: (k) => history.getState(k), set: (k, v) => history.setState(k, v) },
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
    this.d.killPoint?.('after_answer', id);
    return this.settle(stored, n, redactAttempt(result, secretsOf(resolved.adapter)), rules);
  }

  private settle(
    stored: StoredSend,
    n: number,
    result: AttemptResult,
    rules: ReturnType<NonNullable<ReturnType<typeof adapterFor>['rateRules']>>,
  ): SendSummary {
    const { clock } = this.d;
    const id = stored.summary.id;
    const now = clock.now();
    const outcome = result.kind === 'retry' ? 'retry' : result.kind;
    const end: AttemptEnd = { endedAt: now, outcome, exchanges: result.exchanges, ...('error' in result ? { error: result.error } : {}) };
    // The attempt's record and the send's new status are one transaction.
    const finish = (patch: StatusPatch) => this.record(id, n, end, { patch, from: SENDING });
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
          now - firstAttemptAt(stored, now) > this.d.maxProcessingWaitMs
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
          if (
            finish({
              status: 'waiting',
              updatedAt: now,
              nextAttemptAt: result.retryAt,
              error: { ...result.error, retryAt: result.retryAt },
            })
          )
            this.arm(id, result.retryAt - now);
        }
        break;
      }
    }
    this.changed(id);
    return this.summary(id);
  }

  /**
   * Writes an attempt's end and the send's transition. When the history cannot take it (full,
   * locked, failing), the outcome is not lost: it goes to the journal, the operator sees it as
   * "not yet recorded" with the cause, and it is written as soon as the history takes writes again.
   * True when the history took it now.
   */
  private record(id: string, n: number, end: AttemptEnd, transition: Transition): boolean {
    try {
      return this.d.history.finishAttempt(id, n, end, transition);
    } catch (e) {
      const cause = writeFailure(e);
      if (!cause) throw e;
      const holder = cause === 'locked' ? lockHolder(this.d.historyFile) : undefined;
      this.d.log.write('error', 'outbox.outcome_not_recorded', {
        id,
        status: transition.patch.status,
        cause,
        ...(holder ? { holder } : {}),
      });
      this.journal.keep(id, n, end, transition, cause, holder);
      this.recordLater();
      return false;
    }
  }

  private recordLater(): void {
    if (this.recordTimer !== undefined || this.closed) return;
    this.recordTimer = this.d.clock.setTimer(() => {
      this.recordTimer = undefined;
      this.recordPending();
      if (this.journal.all().length) {
        this.recordDelay = Math.min(this.recordDelay * 2, 10_000);
        this.recordLater();
      } else this.recordDelay = 1000;
    }, this.recordDelay);
  }

  /** Tries every outcome still waiting for the history; each one it takes leaves the journal. */
  recordPending(): void {
    for (const u of this.journal.all()) {
      let applied: boolean;
      try {
        applied = this.d.history.finishAttempt(u.sendId, u.n, u.end, u.transition);
      } catch (e) {
        if (!writeFailure(e)) throw e;
        return;
      }
      // Not applied: the send is no longer `sending` (already recorded before a crash), nothing left to do.
      this.journal.recorded(u.sendId);
      if (applied && u.transition.patch.status === 'waiting')
        this.arm(u.sendId, (u.transition.patch.nextAttemptAt ?? this.d.clock.now()) - this.d.clock.now());
      this.changed(u.sendId);
    }
  }

  /** What a previous run's journal holds, applied before recovery looks at sends left in `sending`. */
  applyJournal(): UnrecordedOutcome[] {
    const left = this.journal.load();
    this.recordPending();
    const still = this.journal.all();
    if (still.length) this.recordLater();
    return left;
  }

  private refuseInFlight(id: string, what: 'cancel' | 'reschedule'): void {
    const s = this.summary(id);
    if (s.status === 'sending')
      throw new OperatorError(
        sendError(
          'conflict',
          `The send is on its way to the provider; it can no longer be ${what === 'cancel' ? 'cancelled' : 'moved'}. Its outcome follows in a moment.`,
          { reason: 'in_flight' },
        ),
      );
  }

  async cancel(id: string): Promise<SendSummary> {
    this.refuseInFlight(id, 'cancel');
    const refused = () =>
      new OperatorError(sendError('conflict', 'Only a send that has not left yet can be cancelled.', { reason: 'cannot_cancel' }));
    if (!DUE.includes(this.summary(id).status)) throw refused();
    const done = await this.write(
      () => this.d.history.updateSend(id, { status: 'cancelled', updatedAt: this.d.clock.now(), nextAttemptAt: null }, DUE),
      'the send was not cancelled.',
    );
    if (!done) {
      this.refuseInFlight(id, 'cancel');
      throw refused();
    }
    this.d.killPoint?.('after_cancel_commit', id);
    this.disarm(id);
    this.changed(id);
    return this.summary(id);
  }

  /** Moves a scheduled send to another time (or edits nothing but the time). */
  async reschedule(id: string, at: number): Promise<SendSummary> {
    this.refuseInFlight(id, 'reschedule');
    const refused = () =>
      new OperatorError(sendError('conflict', 'Only a scheduled send can be rescheduled.', { reason: 'cannot_reschedule' }));
    if (this.summary(id).status !== 'scheduled') throw refused();
    const done = await this.write(
      () => this.d.history.updateSend(id, { status: 'scheduled', updatedAt: this.d.clock.now(), scheduledAt: at }, ['scheduled']),
      'the send keeps its time.',
    );
    if (!done) {
      this.refuseInFlight(id, 'reschedule');
      throw refused();
    }
    this.d.killPoint?.('after_reschedule_commit', id);
    this.arm(id, at - this.d.clock.now());
    this.changed(id);
    return this.summary(id);
  }

  /** The operator's decision on a send whose outcome is unknown (or a failed one to repeat). */
  async resolve(id: string, as: 'sent' | 'send_again'): Promise<SendSummary> {
    const stored = this.d.history.get(id);
    if (!stored) throw new OperatorError(sendError('not_found', 'There is no such send.', { reason: 'send_missing' }));
    const st = this.view(stored.summary).status;
    if (as === 'sent') {
      const refused = new OperatorError(
        sendError('conflict', 'Only a send with an unknown outcome can be marked as sent.', { reason: 'cannot_mark_sent' }),
      );
      if (st !== 'outcome_unknown') throw refused;
      const done = await this.write(
        () => this.d.history.updateSend(id, { status: 'sent', updatedAt: this.d.clock.now() }, ['outcome_unknown']),
        'the send was not marked.',
      );
      if (!done) throw refused;
      this.changed(id);
      return this.summary(id);
    }
    if (st !== 'outcome_unknown' && st !== 'failed' && st !== 'cancelled') {
      throw new OperatorError(
        sendError('conflict', 'This send has not ended; it cannot be sent again yet.', { reason: 'cannot_send_again' }),
      );
    }
    // The same message again: where the provider answers a repeated key with its first result
    // (Diadoc's operationId, seed 000), the key is reused, so a message that did arrive is not
    // created twice. Only an edited message, sent from the composer, gets a new key.
    const sameKey = adapterFor(stored.summary.provider).idempotent ? { operationId: stored.operationId } : {};
    return this.submit(
      {
        accountId: stored.summary.accountId,
        message: stored.message,
        ...(stored.summary.groupId ? { groupId: stored.summary.groupId } : {}),
      },
      { resendOf: id, ...sameKey },
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
      // Its outcome is known, only not written yet: it is not an interrupted send.
      if (this.journal.get(id)) continue;
      switch (s.summary.status) {
        case 'scheduled':
          this.arm(id, (s.summary.scheduledAt ?? now) - now);
          break;
        case 'waiting':
          this.arm(id, (s.summary.nextAttemptAt ?? now) - now);
          break;
        case 'pending':
          this.arm(id, 0);
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
          const exchanges = s.attempts.find((a) => a.n === n)?.exchanges ?? [];
          // Written as an outcome is: a history that cannot take it now keeps it in the journal.
          if (this.record(id, n, { endedAt: now, outcome: 'unknown', error: interrupted, exchanges }, { patch, from: SENDING }))
            if (patch.status === 'waiting') this.arm(id, 0);
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
    this.stopJumps();
    for (const id of this.timers.keys()) this.disarm(id);
    if (this.recordTimer !== undefined) this.d.clock.clearTimer(this.recordTimer);
    await Promise.allSettled(this.running.values());
    // A last try; whatever the history still refuses stays in the journal for the next start.
    this.recordPending();
    this.d.limiter.flush();
  }
}
