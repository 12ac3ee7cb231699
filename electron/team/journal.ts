import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { TeamSendRow } from './link.ts';
import { settledClaimSchema, teamSendRowSchema } from './rows.ts';
import { storedJson } from '../stored-json.ts';

/**
 * The desktop's record of what the team has not confirmed yet: a send's latest summary until the
 * server committed that version, and claims made while offline until the server settled them.
 * A file of its own beside the history, written after the history's commit and never inside it,
 * so the send path does not wait on the team.
 */
export interface SoftClaim {
  chat: string;
  at: number;
  ttlMs: number;
}

export class TeamJournal {
  private readonly db: DatabaseSync;
  /** Statements compiled once: the uplink notes and confirms rows many times a second on a busy team. */
  private readonly statements = new Map<string, StatementSync>();
  private sql(text: string): StatementSync {
    let st = this.statements.get(text);
    if (!st) {
      st = this.db.prepare(text);
      this.statements.set(text, st);
    }
    return st;
  }

  /** One commit (one fsync) for a batch: a drain confirms up to 100 rows at once, a flush notes a burst. */
  private inOneCommit(run: () => void): void {
    this.db.exec('begin');
    try {
      run();
      this.db.exec('commit');
    } catch (e) {
      this.db.exec('rollback');
      throw e;
    }
  }

  constructor(file: string) {
    this.db = new DatabaseSync(file);
    this.db.exec(`pragma journal_mode = wal;
      create table if not exists pending_send (
        id text primary key, row text not null, updated_at real not null, synced_version real, refused text);
      create table if not exists soft_claim (chat text primary key, at real not null, ttl_ms integer not null);
      create table if not exists settled (id text primary key, kind text not null, detail text not null, at real not null);`);
  }

  /** Keeps the newest summary of a send; an older one (a late event) never replaces a newer one. */
  note(row: TeamSendRow): void {
    this.noteAll([row]);
  }

  noteAll(rows: readonly TeamSendRow[]): void {
    const st = this.sql(
      `insert into pending_send (id, row, updated_at) values (?, ?, ?)
         on conflict (id) do update set row = excluded.row, updated_at = excluded.updated_at, refused = null
         where excluded.updated_at > pending_send.updated_at
            or (excluded.updated_at = pending_send.updated_at and excluded.row <> pending_send.row)`,
    );
    this.inOneCommit(() => {
      for (const row of rows) st.run(row.id, JSON.stringify(row), row.updatedAt);
    });
  }

  /** Rows whose latest version the server has not confirmed, oldest first. */
  unsynced(limit = 200): TeamSendRow[] {
    const rows = this.sql(
      `select row from pending_send where refused is null and (synced_version is null or synced_version < updated_at)
         order by updated_at limit ?`,
    ).all(limit);
    const out: TeamSendRow[] = [];
    for (const r of rows) {
      const parsed = teamSendRowSchema.safeParse(storedJson(r.row));
      if (parsed.success) out.push(parsed.data);
      else this.warnOnce(r.row, '[team] a pending send in team.sqlite is unreadable and not uplinked');
    }
    return out;
  }

  unsyncedCount(): number {
    const r = this.sql(
      `select count(*) as n from pending_send where refused is null and (synced_version is null or synced_version < updated_at)`,
    ).get() as { n: number };
    return r.n;
  }

  markSynced(id: string, version: number): void {
    this.settleRows([{ id, version }], []);
  }

  markRefused(id: string, reason: string): void {
    this.settleRows([], [{ id, reason }]);
  }

  /** What one drain's batch came to, in one commit. */
  settleRows(synced: readonly { id: string; version: number }[], refused: readonly { id: string; reason: string }[]): void {
    if (!synced.length && !refused.length) return;
    const markSynced = this.sql(`update pending_send set synced_version = max(coalesce(synced_version, 0), ?) where id = ?`);
    const markRefused = this.sql(`update pending_send set refused = ? where id = ?`);
    this.inOneCommit(() => {
      for (const r of synced) markSynced.run(r.version, r.id);
      for (const r of refused) markRefused.run(r.reason, r.id);
    });
  }

  isSynced(id: string): boolean {
    const r = this.db.prepare(`select synced_version >= updated_at as ok from pending_send where id = ?`).get(id) as
      | { ok: number | null }
      | undefined;
    return r?.ok === 1;
  }

  softClaim(c: SoftClaim): void {
    this.db.prepare(`insert into soft_claim (chat, at, ttl_ms) values (?, ?, ?) on conflict (chat) do nothing`).run(c.chat, c.at, c.ttlMs);
  }

  softClaims(): SoftClaim[] {
    return (
      this.db.prepare(`select chat, at, ttl_ms from soft_claim order by at`).all() as { chat: string; at: number; ttl_ms: number }[]
    ).map((r) => ({
      chat: r.chat,
      at: r.at,
      ttlMs: r.ttl_ms,
    }));
  }

  /** A soft claim the server settled: kept as a line the operator can read (refused ones are conflicts). */
  settle(chat: string, outcome: { kind: 'granted' | 'refused'; by?: string; since?: number }, at: number): void {
    this.inOneCommit(() => {
      this.sql(`delete from soft_claim where chat = ?`).run(chat);
      this.sql(`insert or replace into settled (id, kind, detail, at) values (?, ?, ?, ?)`).run(
        `claim:${chat}:${at}`,
        outcome.kind,
        JSON.stringify({ chat, ...outcome }),
        at,
      );
    });
  }

  refusedClaims(): { chat: string; by: string; since: number; at: number }[] {
    return this.db
      .prepare(`select detail, at from settled where kind = 'refused' order by at desc limit 50`)
      .all()
      .flatMap((r) => {
        const d = settledClaimSchema.safeParse(storedJson(r.detail));
        if (d.success && typeof r.at === 'number') return [{ chat: d.data.chat, by: d.data.by ?? '', since: d.data.since ?? 0, at: r.at }];
        this.warnOnce(r.detail, '[team] a refused claim in team.sqlite is unreadable and left out');
        return [];
      });
  }

  /** Rows read again on every sync tick are reported once each, not once a tick. */
  private readonly warned = new Set<unknown>();
  private warnOnce(row: unknown, message: string): void {
    if (this.warned.has(row)) return;
    this.warned.add(row);
    console.warn(message);
  }

  close(): void {
    this.db.close();
  }
}
