import type { Logger } from '../app/log-file.ts';
import type { LabelProgress } from './legacy-labels.ts';
import type { HistoryStore } from './types.ts';
import { writeFailure } from './write-failure.ts';

export interface LabelUpgradeOptions {
  history: HistoryStore;
  log: Logger;
  /** Told now and then while rows are converted, and once with `done === total` at the end. */
  progress?: (p: LabelProgress) => void;
  /** How long one turn of the event loop converts, in one transaction, before it lets the app's own work run. */
  sliceMs?: number;
}

/** How often progress is told at most: the window shows it, nothing needs it finer. */
const PROGRESS_EVERY_MS = 250;
/** A full or failing disk is tried again after this long; a lock another connection holds, sooner. */
const RETRY_MS = 2000;
const LOCKED_RETRY_MS = 100;
/**
 * Rows per slice at most, whatever the last slice measured: on a machine that other work starves
 * a slice that fitted before can take many times longer, and a page waits for the whole of it.
 */
const MAX_BATCH = 5000;

/**
 * Converts the rows older builds wrote (legacy-labels.ts) in the background of the main process:
 * a few batches per turn of the event loop, then the loop is given back, so a history page, a send
 * or a menu click waits at most one slice (tens of milliseconds), never the whole conversion.
 */
export class LabelUpgrade {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private told = 0;
  private stopped = false;
  /** Rows per slice, sized from the last one: a loaded machine converts fewer per turn and still yields on time. */
  private batch = 500;
  private readonly sliceMs: number;
  private current: LabelProgress | undefined;
  private readonly o: LabelUpgradeOptions;

  constructor(o: LabelUpgradeOptions) {
    this.o = o;
    this.sliceMs = o.sliceMs ?? 25;
    this.current = o.history.legacyLabelProgress();
  }

  /** What is left, or undefined when nothing is. */
  progress(): LabelProgress | undefined {
    return this.current;
  }

  start(): void {
    if (!this.current || this.stopped) return;
    this.o.log.write('info', 'history.labels.start', { ...this.current });
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.slice(), ms);
  }

  private slice(): void {
    this.timer = undefined;
    const total = this.current?.total ?? 0;
    const t0 = performance.now();
    try {
      this.current = this.o.history.convertLegacyLabels(this.batch);
      // Toward the slice's length, by at most a factor of two a turn: one slow turn (a GC, a checkpoint) does not swing it.
      const fit = (this.batch * this.sliceMs) / Math.max(1, performance.now() - t0);
      this.batch = Math.round(Math.min(MAX_BATCH, this.batch * 2, Math.max(100, this.batch / 2, fit)));
    } catch (e) {
      const cause = writeFailure(e);
      if (!cause) {
        // A bug stays visible in the log; the rows left still read correctly through the parser, and the next start tries again.
        this.o.log.write('error', 'history.labels.failed', { error: e instanceof Error ? e.stack : String(e) });
        return;
      }
      if (cause !== 'locked') this.o.log.write('warn', 'history.labels.retry', { cause });
      this.schedule(cause === 'locked' ? LOCKED_RETRY_MS : RETRY_MS);
      return;
    }
    if (!this.current) {
      this.o.log.write('info', 'history.labels.done', { total });
      this.o.progress?.({ done: total, total });
      return;
    }
    const now = performance.now();
    if (now - this.told >= PROGRESS_EVERY_MS) {
      this.told = now;
      this.o.progress?.(this.current);
    }
    this.schedule(0);
  }
}
