import { HistoryTooNewError } from '../history/migrations.ts';
import type { MainKey, MainTranslate } from './strings.ts';

/** Why the app could not start, as a cause the operator can act on. */
export interface StartupCause {
  key: Extract<MainKey, `startup.cause.${string}`>;
  params?: Record<string, string | number>;
}

// SQLite's primary result codes for a file that is not (or no longer) a database.
const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;
const SQLITE_FULL = 13;

function field(e: unknown, name: string): unknown {
  return e && typeof e === 'object' ? (e as Record<string, unknown>)[name] : undefined;
}

export function startupCause(e: unknown): StartupCause {
  if (e instanceof HistoryTooNewError) return { key: 'startup.cause.history_newer', params: { found: e.found, known: e.known } };
  const errcode = field(e, 'errcode');
  if (field(e, 'code') === 'ERR_SQLITE_ERROR' && typeof errcode === 'number') {
    const primary = errcode & 0xff;
    if (primary === SQLITE_CORRUPT || primary === SQLITE_NOTADB) return { key: 'startup.cause.history_corrupt' };
    if (primary === SQLITE_FULL) return { key: 'startup.cause.disk_full' };
  }
  const code = field(e, 'code');
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return { key: 'startup.cause.data_dir_denied', params: { code } };
  if (code === 'ENOSPC') return { key: 'startup.cause.disk_full' };
  return { key: 'startup.cause.unknown' };
}

/** The native dialog's text: the cause, then where the data and the log are, for support. */
export function startupFailureDialog(
  t: MainTranslate,
  cause: StartupCause,
  where: { dataDir: string; logFile: string },
): { title: string; message: string; detail: string; buttons: [string, string] } {
  return {
    title: t('startup.title'),
    message: t(cause.key, cause.params),
    detail: t('startup.where', where),
    buttons: [t('startup.openDataFolder'), t('startup.quit')],
  };
}
