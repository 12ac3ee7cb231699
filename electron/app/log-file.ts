import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { redactText } from '../providers/redact.ts';

export type LogLevel = 'info' | 'warn' | 'error';

/** What the host and the shell write to: one line per event, never a message's content. */
export interface Logger {
  write(level: LogLevel, event: string, detail?: Record<string, unknown> | string): void;
}

export interface RotatingLogOptions {
  dir: string;
  /** Bytes one file may reach before it is rotated. */
  maxBytes?: number;
  /** Files kept in all, the current one included. */
  files?: number;
  now?: () => number;
}

export const LOG_FILE_NAME = 'operator-console.log';

function text(detail: Record<string, unknown> | string | undefined): string {
  if (detail === undefined) return '';
  if (typeof detail === 'string') return detail;
  return JSON.stringify(detail, (_k, v: unknown) => (v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v));
}

/**
 * The log file an operator sends to support: in the data folder, a few files of a capped size
 * (`operator-console.log`, `.1`, `.2` …), one line per event, every known secret replaced by the
 * same code that redacts the history. Writes are synchronous so a line written just before a
 * crash is on disk.
 */
export class RotatingLog implements Logger {
  readonly file: string;
  private readonly maxBytes: number;
  private readonly files: number;
  private readonly now: () => number;
  private size: number;
  private secrets: () => readonly string[] = () => [];
  private readonly opts: RotatingLogOptions;

  constructor(opts: RotatingLogOptions) {
    this.opts = opts;
    this.maxBytes = opts.maxBytes ?? 1024 * 1024;
    this.files = Math.max(1, opts.files ?? 3);
    this.now = opts.now ?? Date.now;
    this.file = join(opts.dir, LOG_FILE_NAME);
    this.size = 0;
    try {
      mkdirSync(opts.dir, { recursive: true });
      this.size = existsSync(this.file) ? statSync(this.file).size : 0;
    } catch {
      // An unwritable data folder is reported by the start-up dialog, not by a crash here.
    }
  }

  get dir(): string {
    return this.opts.dir;
  }

  /** Where the secrets to hide come from (the host's opened tokens), once the host exists. */
  redactWith(secrets: () => readonly string[]): void {
    this.secrets = secrets;
  }

  write(level: LogLevel, event: string, detail?: Record<string, unknown> | string): void {
    const body = text(detail).replace(/\r?\n/g, ' ⏎ ');
    const line =
      redactText(`${new Date(this.now()).toISOString()} ${level.toUpperCase()} ${event}${body ? ` ${body}` : ''}`, this.secrets()) + '\n';
    const bytes = Buffer.byteLength(line);
    try {
      if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
      appendFileSync(this.file, line);
      this.size += bytes;
    } catch {
      // A log that cannot be written must not take the app down with it.
    }
  }

  private rotate(): void {
    rmSync(`${this.file}.${this.files - 1}`, { force: true });
    for (let n = this.files - 2; n >= 1; n--) {
      if (existsSync(`${this.file}.${n}`)) renameSync(`${this.file}.${n}`, `${this.file}.${n + 1}`);
    }
    if (this.files > 1) renameSync(this.file, `${this.file}.1`);
    else rmSync(this.file, { force: true });
    this.size = 0;
  }
}

/** Outside the app (tests, the harness without a data folder): lines go to the console. */
export const consoleLog: Logger = {
  write(level, event, detail) {
    (level === 'error' ? console.error : console.log)(`[${level}] ${event}`, text(detail));
  },
};
