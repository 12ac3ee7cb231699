import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Attempt, SendSummary } from '../../shared/sends.ts';
import { recipientKey } from '../../shared/send-labels.ts';
import { labelText } from './label-column.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { ftsQuery, ftsTerms, MAX_EXPANSION, searchableText } from './fts-query.ts';
import { JUMP_TOLERANCE_MS } from '../clock.ts';
import { legacyLabels, registerLegacyLabel } from './legacy-labels.ts';
import { migrate, schemaVersionOf } from './migrations.ts';
import { writeFailure } from './write-failure.ts';
import { readAttempt, readMessage, readSendRow, readSendRows, SUMMARY_COLUMNS } from './rows.ts';
import { COUNT_CAP, filtersFirst } from './search-plan.ts';
import type { SendStatus } from '../../shared/send-statuses.ts';
import type { CommitMoment, HistoryListQuery, HistoryStore, NewSend, StatusPatch, StoredSend } from './types.ts';

/**
 * A seq range as SQL conditions on `col`. The bounds go in as BigInt: node:sqlite binds every JS
 * number as a REAL, and FTS5 ignores a rowid bound that is not an INTEGER, walking the whole
 * match list from the newest instead of seeking (35 ms instead of 1 ms at a million rows).
 */
function seqRange(col: string, lo: number | undefined, hi: number | undefined): { where: string[]; params: bigint[] } {
  return {
    where: [...(lo !== undefined ? [`${col} >= ?`] : []), ...(hi !== undefined ? [`${col} <= ?`] : [])],
    params: [...(lo !== undefined ? [BigInt(lo)] : []), ...(hi !== undefined ? [BigInt(hi)] : [])],
  };
}

export interface HistoryOptions {
  /**
   * Runs inside a send's commit just before COMMIT. Only the crash test's host passes one (it
   * kills itself there); the app never does.
   */
  beforeCommit?: (moment: CommitMoment, sendId: string) => void;
  /** Hands the open connection to a test that must make a real write fail (a full disk). */
  connection?: (db: DatabaseSync) => void;
  /**
   * false: the send's commits stay at synchronous=NORMAL like every other. Only the bench passes it,
   * to report what the fsyncs before the first byte cost per send.
   */
  durableCommits?: boolean;
}

/** How long a write waits for another connection's lock before it gives up and retries off the main thread's path. */
export const BUSY_TIMEOUT_MS = 5;

/**
 * The history on `node:sqlite`: WAL with synchronous=NORMAL for everything that can be redone
 * (search index, limiter, files), and synchronous=FULL for the commits a send's exactly-once rests
 * on: the write-ahead insert, the move to `sending` and the outcome are on disk before the first
 * byte leaves, or before the outcome is called recorded; a power cut cannot undo them. A foreign
 * lock makes a write fail after a few milliseconds rather than freeze the main process; the caller
 * retries it later. Statements are prepared once.
 *
 * `created_at` follows `seq`: a clock moved back by a moment (an NTP step) is clamped, so `seq`
 * order is time order and newest-first pages, date ranges and full-text results all walk `seq`
 * downwards and stop at the page size. A clock moved back by more is a jump: the send keeps the
 * corrected time rather than every later send inheriting the wrong, future one, the jump is
 * logged and remembered, and from then on a date range is found by its dates, not its seqs.
 */
export function openHistory(file: string, opts: HistoryOptions = {}): HistoryStore {
  const db = new DatabaseSync(file);
  try {
    // A newer or damaged database is refused before the journal pragma could rewrite its header.
    schemaVersionOf(db);
    // Opening waits longer than a write does: a start-up may meet another process finishing its last commit.
    db.exec('PRAGMA busy_timeout = 2000; PRAGMA journal_mode = WAL;');
    db.exec('PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32000;');
    migrate(db);
  } catch (e) {
    db.close();
    throw e;
  }
  db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  registerLegacyLabel(db);
  opts.connection?.(db);

  const st = {
    insert: db.prepare(
      // The column of older builds' English previews (emptied as their rows are converted, migrations 9 and 10) stays empty for a new row.
      `INSERT INTO sends (id, provider, account_id, account_name, sandbox, status, recipient, label, preview, message, operation_id, created_at, updated_at, scheduled_at, group_id, resend_of, search_text)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertFts: db.prepare('INSERT INTO sends_fts(rowid, recipient, body) VALUES (?, ?, ?)'),
    unindexed: db.prepare('SELECT seq, recipient, search_text FROM sends WHERE seq > ? ORDER BY seq LIMIT 5000'),
    addTerm: db.prepare('INSERT OR IGNORE INTO fts_terms (term) VALUES (?)'),
    termsWithPrefix: db.prepare('SELECT term FROM fts_terms WHERE term >= ? AND term < ? ORDER BY term LIMIT ?'),
    lastCreated: db.prepare('SELECT created_at FROM sends ORDER BY seq DESC LIMIT 1'),
    update: db.prepare(
      `UPDATE sends SET status = ?, updated_at = ?,
         next_attempt_at = CASE WHEN ? THEN ? ELSE next_attempt_at END,
         provider_message_id = CASE WHEN ? THEN ? ELSE provider_message_id END,
         error = CASE WHEN ? THEN ? ELSE error END,
         scheduled_at = CASE WHEN ? THEN ? ELSE scheduled_at END,
         message = CASE WHEN ? THEN ? ELSE message END
       WHERE id = ? AND status IN (SELECT value FROM json_each(?))`,
    ),
    startAttempt: db.prepare(
      `INSERT INTO attempts (send_seq, n, started_at, outcome, exchanges) SELECT seq, ?, ?, 'running', '[]' FROM sends WHERE id = ?`,
    ),
    // Only a send still due moves to `sending`: one cancelled, replaced, rescheduled or already
    // under way in between is left as it is, and its attempt stops before sending.
    countAttempt: db.prepare(
      `UPDATE sends SET attempt_count = ?, status = 'sending', updated_at = ?, next_attempt_at = NULL
       WHERE id = ? AND attempt_count = ? - 1
         AND (status IN ('pending', 'waiting') OR (status = 'scheduled' AND coalesce(scheduled_at, 0) <= ?))`,
    ),
    finishAttempt: db.prepare(
      'UPDATE attempts SET ended_at = ?, outcome = ?, error = ?, exchanges = ? WHERE send_seq = (SELECT seq FROM sends WHERE id = ?) AND n = ?',
    ),
    summary: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM sends s WHERE s.id = ?`),
    full: db.prepare(`SELECT ${SUMMARY_COLUMNS}, s.message, s.operation_id FROM sends s WHERE s.id = ?`),
    attempts: db.prepare('SELECT n, started_at, ended_at, outcome, error, exchanges FROM attempts WHERE send_seq = ? ORDER BY n'),
    unfinished: db.prepare(`SELECT id FROM sends WHERE status IN ('scheduled', 'pending', 'sending', 'waiting') ORDER BY seq`),
    getState: db.prepare('SELECT value FROM state WHERE key = ?'),
    setState: db.prepare('INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    deleteState: db.prepare('DELETE FROM state WHERE key = ?'),
    minSeqFrom: db.prepare('SELECT min(seq) AS seq FROM sends WHERE created_at >= ?'),
    maxSeqTo: db.prepare('SELECT max(seq) AS seq FROM sends WHERE created_at <= ?'),
    firstAtOrAfter: db.prepare('SELECT seq FROM sends WHERE created_at >= ? ORDER BY created_at, seq LIMIT 1'),
    lastAtOrBefore: db.prepare('SELECT seq FROM sends WHERE created_at <= ? ORDER BY created_at DESC, seq DESC LIMIT 1'),
    maxSeq: db.prepare('SELECT max(seq) AS seq FROM sends'),
  };
  const labels = legacyLabels(db);
  const listCache = new Map<string, StatementSync>();
  // Terms this process already added: most sends reuse words, so most inserts are skipped.
  const knownTerms = new Set<string>();
  const expand = (prefix: string): string[] | undefined => {
    const rows = st.termsWithPrefix.all(prefix, `${prefix}\u{10FFFF}`, MAX_EXPANSION + 1) as { term: string }[];
    return rows.length > MAX_EXPANSION ? undefined : rows.length ? rows.map((r) => r.term) : [prefix];
  };
  /**
   * Full-text indexing in batches. A send's commit writes only its row (with its search text);
   * the index catches up within a moment, in one transaction for many rows, and always before a
   * search runs, so a search never misses a send. After a crash the rows past `fts_upto` are
   * simply indexed on the next catch-up.
   */
  const stateText = (key: string): string | undefined => {
    const value = st.getState.get(key)?.value;
    return typeof value === 'string' ? value : undefined;
  };
  let indexedUpto = Number(stateText('fts_upto') ?? 0) || 0;
  let indexTimer: ReturnType<typeof setTimeout> | undefined;
  function catchUpIndex(): void {
    if (indexTimer) clearTimeout(indexTimer);
    indexTimer = undefined;
    // Another connection (the seeding tool) may have indexed rows itself and said so.
    indexedUpto = Math.max(indexedUpto, Number(stateText('fts_upto') ?? 0) || 0);
    for (;;) {
      const rows = st.unindexed.all(indexedUpto);
      if (!rows.length) return;
      tx(() => {
        for (const r of rows) {
          // A row whose text columns are not text is indexed as empty: it still moves the index on.
          const recipient = typeof r.recipient === 'string' ? r.recipient : '';
          const body = searchableText(typeof r.search_text === 'string' ? r.search_text : '');
          st.insertFts.run(Number(r.seq), searchableText(recipient), body);
          for (const term of [...ftsTerms(recipient), ...ftsTerms(body)]) {
            if (knownTerms.has(term)) continue;
            st.addTerm.run(term);
            if (knownTerms.size < 200_000) knownTerms.add(term);
          }
        }
        indexedUpto = Number(rows.at(-1)?.seq);
        st.setState.run('fts_upto', String(indexedUpto));
      });
    }
  }
  /** Indexing that a full or locked history cannot do now is tried again shortly; a search meanwhile misses only the newest rows. */
  function indexOrWait(): void {
    try {
      store.catchUpIndex();
    } catch (e) {
      if (!writeFailure(e)) throw e;
      indexTimer ??= setTimeout(indexOrWait, 2000);
      indexTimer.unref?.();
    }
  }
  const timeJumped = () => st.getState.get('time_jumped') !== undefined;
  let lastCreated = (st.lastCreated.get() as { created_at: number } | undefined)?.created_at ?? 0;

  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  const syncFull = db.prepare('PRAGMA synchronous = FULL');
  const syncNormal = db.prepare('PRAGMA synchronous = NORMAL');
  function tx<T>(fn: () => T, moment?: { at: CommitMoment; sendId: string }): T {
    begin.run();
    try {
      const r = fn();
      if (moment) opts.beforeCommit?.(moment.at, moment.sendId);
      commit.run();
      return r;
    } catch (e) {
      if (db.isTransaction) rollback.run();
      throw e;
    }
  }
  /** A commit that is on disk when it returns (WAL fsynced), whatever the connection's default. */
  function durably<T>(at: CommitMoment, sendId: string, fn: () => T): T {
    if (opts.durableCommits === false) return tx(fn, { at, sendId });
    syncFull.run();
    try {
      return tx(fn, { at, sendId });
    } finally {
      syncNormal.run();
    }
  }

  function updateSend(id: string, p: StatusPatch, from: readonly SendStatus[]): boolean {
    const flag = (v: unknown) => (v === undefined ? 0 : 1);
    const r = st.update.run(
      p.status,
      p.updatedAt,
      flag(p.nextAttemptAt),
      p.nextAttemptAt ?? null,
      flag(p.providerMessageId),
      p.providerMessageId ?? null,
      flag(p.error),
      p.error ? JSON.stringify(p.error) : null,
      flag(p.scheduledAt),
      p.scheduledAt ?? null,
      flag(p.message),
      p.message ? JSON.stringify(p.message) : null,
      id,
      JSON.stringify(from),
    );
    return Number(r.changes) > 0;
  }

  function get(id: string): StoredSend | undefined {
    const row = st.full.get(id);
    if (!row) return undefined;
    const read = readSendRow(row);
    if (!read) return undefined;
    const message = readMessage(row.message, id);
    if (!message) return undefined;
    if (typeof row.operation_id !== 'string') return undefined;
    const attempts: Attempt[] = [];
    for (const a of st.attempts.all(read.seq)) {
      const attempt = readAttempt(a, id);
      if (attempt) attempts.push(attempt);
    }
    return { summary: read.summary, message, operationId: row.operation_id, attempts };
  }

  function cached(sql: string): StatementSync {
    let stmt = listCache.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      if (listCache.size > 200) listCache.clear();
      listCache.set(sql, stmt);
    }
    return stmt;
  }

  function list(q: HistoryListQuery): { items: SendSummary[]; nextCursor?: string } {
    const before = decodeCursor(q.cursor);
    if (q.text) indexOrWait();
    const match = q.text ? ftsQuery(q.text, expand) : undefined;
    if (q.text && !match) return { items: [] };

    // The page's seq range: the cursor, and the dates turned into seqs (created_at follows seq, so the range is exact).
    let lo: number | undefined;
    let hi = before !== undefined ? before - 1 : undefined;
    const jumped = timeJumped();
    if (q.from !== undefined) {
      lo = ((jumped ? st.minSeqFrom : st.firstAtOrAfter).get(q.from) as { seq: number | null } | undefined)?.seq ?? undefined;
      if (lo === undefined) return { items: [] };
    }
    if (q.to !== undefined) {
      const last = ((jumped ? st.maxSeqTo : st.lastAtOrBefore).get(q.to) as { seq: number | null } | undefined)?.seq ?? undefined;
      if (last === undefined) return { items: [] };
      hi = hi === undefined ? last : Math.min(hi, last);
    }
    if (lo !== undefined && hi !== undefined && lo > hi) return { items: [] };
    const range = (col: string) => seqRange(col, lo, hi);

    const rowWhere: string[] = [];
    const rowParams: (string | number)[] = [];
    const filter = (clause: string, ...values: (string | number)[]) => {
      rowWhere.push(clause);
      rowParams.push(...values);
    };
    // After a clock jump the seq range holds the dates' rows and maybe others: the dates themselves decide.
    if (jumped && q.from !== undefined) filter('s.created_at >= ?', q.from);
    if (jumped && q.to !== undefined) filter('s.created_at <= ?', q.to);
    if (q.provider) filter('s.provider = ?', q.provider);
    if (q.accountId) filter('s.account_id = ?', q.accountId);
    if (q.recipient) filter('s.recipient = ?', q.recipient);
    if (q.statuses?.length) filter(`s.status IN (${q.statuses.map(() => '?').join(', ')})`, ...q.statuses);
    if (q.undecided) filter("s.status = 'outcome_unknown' AND NOT EXISTS (SELECT 1 FROM sends r WHERE r.resend_of = s.id)");
    const want = q.limit + 1;

    let sql: string;
    let params: (string | number | bigint)[];
    if (!match) {
      const r = range('s.seq');
      const where = [...r.where, ...rowWhere];
      sql = `SELECT ${SUMMARY_COLUMNS} FROM sends s ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY s.seq DESC LIMIT ?`;
      params = [...r.params, ...rowParams, want];
    } else if (rowWhere.length && searchFromFilters(match, rowWhere, rowParams, lo, hi, want, (q.statuses?.length ?? 0) <= 1)) {
      const r = range('s.seq');
      sql = `SELECT ${SUMMARY_COLUMNS} FROM sends s CROSS JOIN sends_fts f ON f.rowid = s.seq WHERE ${[...r.where, ...rowWhere].join(' AND ')} AND sends_fts MATCH ? ORDER BY s.seq DESC LIMIT ?`;
      params = [...r.params, ...rowParams, match, want];
    } else {
      // CROSS JOIN keeps the FTS table outermost: its rowid order is the page order.
      const r = range('f.rowid');
      sql = `SELECT ${SUMMARY_COLUMNS} FROM sends_fts f CROSS JOIN sends s ON s.seq = f.rowid WHERE ${['sends_fts MATCH ?', ...r.where, ...rowWhere].join(' AND ')} ORDER BY f.rowid DESC LIMIT ?`;
      params = [match, ...r.params, ...rowParams, want];
    }
    const rows = cached(sql).all(...params);
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    // The cursor is the last row as stored, so a page with an unreadable row left out still moves on.
    return { items: readSendRows(page), ...(more ? { nextCursor: encodeCursor(Number(page.at(-1)?.seq)) } : {}) };
  }

  /** Counts both sides of a search with words and filters, each up to a cap, and picks the cheaper driver (see search-plan.ts). */
  function searchFromFilters(
    match: string,
    rowWhere: string[],
    rowParams: (string | number)[],
    lo: number | undefined,
    hi: number | undefined,
    want: number,
    filterStreams: boolean,
  ): boolean {
    const seqs = seqRange('s.seq', lo, hi);
    const rowids = seqRange('rowid', lo, hi);
    const filtered = (
      cached(
        `SELECT count(*) AS n FROM (SELECT 1 FROM sends s WHERE ${[...seqs.where, ...rowWhere].join(' AND ')} LIMIT ${COUNT_CAP})`,
      ).get(...seqs.params, ...rowParams) as { n: number }
    ).n;
    const matched = (
      cached(
        `SELECT count(*) AS n FROM (SELECT 1 FROM sends_fts WHERE ${['sends_fts MATCH ?', ...rowids.where].join(' AND ')} LIMIT ${COUNT_CAP})`,
      ).get(match, ...rowids.params) as { n: number }
    ).n;
    const top = hi ?? (st.maxSeq.get() as { seq: number | null }).seq ?? 0;
    return filtersFirst({ filtered, matched, span: top - (lo ?? 1) + 1, want, filterStreams });
  }

  const store: HistoryStore = {
    insertSend(s: NewSend, also?: () => void) {
      // A moment back is clamped; a jump back is kept, logged and remembered (see above).
      const jump = lastCreated - s.createdAt > JUMP_TOLERANCE_MS;
      const createdAt = jump ? s.createdAt : Math.max(s.createdAt, lastCreated);
      if (jump)
        console.warn(
          `[history] the clock is ${Math.round((lastCreated - s.createdAt) / 1000)} s behind the last send; new sends keep the clock's time`,
        );
      durably('write_ahead', s.id, () => {
        if (jump && !timeJumped()) st.setState.run('time_jumped', '1');
        st.insert.run(
          s.id,
          s.provider,
          s.accountId,
          s.accountName,
          s.sandbox ? 1 : 0,
          s.status,
          recipientKey(s.to),
          labelText({ to: s.to, preview: s.preview }),
          JSON.stringify(s.message),
          s.operationId,
          createdAt,
          createdAt,
          s.scheduledAt ?? null,
          s.groupId ?? null,
          s.resendOf ?? null,
          searchableText(s.searchText),
        );
        also?.();
      });
      lastCreated = createdAt;
      // Through the object, so whoever measures the store's methods sees this work too.
      indexTimer ??= setTimeout(indexOrWait, 200);
      indexTimer.unref?.();
    },
    catchUpIndex,
    legacyLabelProgress: () => labels.progress(),
    // Plain commits (synchronous=NORMAL): a batch lost to a power cut is simply converted again.
    convertLegacyLabels: (rows) => tx(() => labels.convert(rows)),
    updateSend,
    atomically: tx,
    startAttempt(sendId, n, startedAt) {
      return durably('start', sendId, () => {
        if (Number(st.countAttempt.run(n, startedAt, sendId, n, startedAt).changes) === 0) return false;
        st.startAttempt.run(n, startedAt, sendId);
        return true;
      });
    },
    finishAttempt(sendId, n, r, status) {
      return durably('final', sendId, () => {
        // A transition that no longer applies (a replayed journal entry, say) leaves the attempt as it is too.
        if (status && !updateSend(sendId, status.patch, status.from)) return false;
        st.finishAttempt.run(r.endedAt, r.outcome, r.error ? JSON.stringify(r.error) : null, JSON.stringify(r.exchanges), sendId, n);
        return true;
      });
    },
    getSummary(id) {
      const row = st.summary.get(id);
      return row ? readSendRow(row)?.summary : undefined;
    },
    get,
    list,
    unfinished() {
      return st.unfinished.all().flatMap((r) => {
        const send = typeof r.id === 'string' ? get(r.id) : undefined;
        return send ? [send] : [];
      });
    },
    getState(key) {
      return stateText(key);
    },
    setState(key, value) {
      if (value === '') st.deleteState.run(key);
      else st.setState.run(key, value);
    },
    close() {
      try {
        catchUpIndex();
      } catch (e) {
        // A full or locked history: the index catches up on the next start.
        console.warn('[history] search index not caught up on close:', (e as Error).message);
      }
      db.close();
    },
  };
  catchUpIndex();
  return store;
}
