import { closeSync, existsSync, fsyncSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { sendErrorSchema } from '../../shared/errors.ts';
import { attemptSchema, exchangeSchema, sendStatusSchema } from '../../shared/sends.ts';
import type { AttemptEnd, Transition } from '../history/types.ts';
import { writeCauses, type WriteCause } from '../history/write-failure.ts';

/** One outcome the provider gave that the history could not take yet. */
const entrySchema = z.object({
  sendId: z.string(),
  n: z.number().int(),
  end: z.object({
    endedAt: z.number(),
    outcome: attemptSchema.shape.outcome,
    error: sendErrorSchema.optional(),
    exchanges: z.array(exchangeSchema),
  }),
  transition: z.object({
    patch: z.object({
      status: sendStatusSchema,
      updatedAt: z.number(),
      nextAttemptAt: z.number().nullable().optional(),
      providerMessageId: z.string().optional(),
      error: sendErrorSchema.nullable().optional(),
    }),
    from: z.array(sendStatusSchema),
  }),
  cause: z.enum(writeCauses),
  holder: z.string().optional(),
});
export type UnrecordedOutcome = z.infer<typeof entrySchema>;

/**
 * Outcomes the provider answered but the history could not write (a full disk, a foreign lock,
 * an I/O error): kept in memory for the retries and the operator's view, and appended to a small
 * file beside the database, fsynced, so a crash before the history takes them loses nothing. The
 * next start applies the file before recovery would call those sends interrupted. Once every
 * outcome in it is recorded, the file goes.
 */
export class OutcomeJournal {
  readonly file: string;
  private readonly pending = new Map<string, UnrecordedOutcome>();

  constructor(file: string) {
    this.file = file;
  }

  /** The outcomes a previous run left in the file (a torn last line, from a crash mid-append, is skipped). */
  load(): UnrecordedOutcome[] {
    if (!existsSync(this.file)) return [];
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        console.warn('[journal] skipped a line cut short by a crash');
        continue;
      }
      const parsed = entrySchema.safeParse(raw);
      if (parsed.success) this.pending.set(parsed.data.sendId, parsed.data);
      else console.warn('[journal] skipped an unreadable line');
    }
    return [...this.pending.values()];
  }

  /** Keeps the outcome in memory at once, and on disk where the disk still takes a few hundred bytes. */
  keep(sendId: string, n: number, end: AttemptEnd, transition: Transition, cause: WriteCause, holder?: string): UnrecordedOutcome {
    const entry = entrySchema.parse({ sendId, n, end, transition, cause, ...(holder ? { holder } : {}) });
    this.pending.set(sendId, entry);
    try {
      const fresh = !existsSync(this.file);
      const fd = openSync(this.file, 'a');
      try {
        writeSync(fd, `${JSON.stringify(entry)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      if (fresh) syncDir(dirname(this.file));
    } catch (e) {
      console.error(`[journal] outcome of ${sendId} kept in memory only:`, (e as Error).message);
    }
    return entry;
  }

  get(sendId: string): UnrecordedOutcome | undefined {
    return this.pending.get(sendId);
  }

  all(): UnrecordedOutcome[] {
    return [...this.pending.values()];
  }

  /** The history took this outcome (or no longer needs it); the file goes once nothing is left in it. */
  recorded(sendId: string): void {
    this.pending.delete(sendId);
    if (this.pending.size === 0) rmSync(this.file, { force: true });
  }
}

/** A new file's name survives a power cut only once its directory is synced too. */
function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some systems cannot open a directory for syncing; the file's own fsync is what there is.
  }
}
