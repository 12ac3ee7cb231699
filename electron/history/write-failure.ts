import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';

import { writeCauses, type SendSummary } from '../../shared/sends.ts';

export { writeCauses };
export type WriteCause = NonNullable<SendSummary['unrecorded']>['cause'];

/** SQLite's primary result codes (the low byte of an extended code) that mean "this write did not land". */
const causes: Record<number, WriteCause> = {
  5: 'locked', // SQLITE_BUSY
  6: 'locked', // SQLITE_LOCKED
  8: 'read_only', // SQLITE_READONLY
  10: 'io_error', // SQLITE_IOERR
  13: 'disk_full', // SQLITE_FULL
  14: 'io_error', // SQLITE_CANTOPEN
};

/** The cause when `e` is node:sqlite's refusal of a write; undefined for anything else (a bug stays a bug). */
export function writeFailure(e: unknown): WriteCause | undefined {
  if (!(e instanceof Error) || (e as { code?: unknown }).code !== 'ERR_SQLITE_ERROR') return undefined;
  const errcode = (e as { errcode?: unknown }).errcode;
  return typeof errcode === 'number' ? causes[errcode & 0xff] : undefined;
}

/**
 * The other process that holds a lock on the database or its WAL index, as "name (pid N)", from
 * Linux's /proc/locks. Undefined where that cannot be known (another system, or no foreign lock).
 */
export function lockHolder(dbFile: string): string | undefined {
  let locks: string;
  try {
    locks = readFileSync('/proc/locks', 'utf8');
  } catch {
    return undefined;
  }
  const inodes = new Set<string>();
  for (const f of [dbFile, `${dbFile}-shm`, `${dbFile}-wal`]) {
    try {
      inodes.add(String(statSync(f).ino));
    } catch {
      // A file that does not exist holds no lock.
    }
  }
  for (const line of locks.split('\n')) {
    // "1: POSIX  ADVISORY  WRITE 4242 08:01:1234567 120 120"
    const m = /^\d+:\s+\S+\s+\S+\s+\S+\s+(\d+)\s+[0-9a-f]+:[0-9a-f]+:(\d+)\s/.exec(line);
    if (!m || Number(m[1]) === process.pid || !inodes.has(m[2]!)) continue;
    return `${processName(Number(m[1]))} (pid ${m[1]})`;
  }
  return undefined;
}

function processName(pid: number): string {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return argv[0] ? basename(argv[0]) : readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return 'another program';
  }
}
