import { DatabaseSync } from 'node:sqlite';
import { z } from 'zod';
import {
  conversationItemSchema,
  sendEventSchema,
  settlementSchema,
  type ConversationItem,
  type SendEvent,
  type Recipient,
  type Settlement,
  type DirectorySnapshot,
} from '../../shared/recipients.ts';
import type { ProviderId } from '../../shared/providers.ts';
import { randomUUID } from 'node:crypto';
import { recipientKinds } from '../../shared/recipient-kinds.ts';
import { ftsQuery, SEARCH_CANDIDATES } from '../../shared/recipient-match.ts';
import { storedJson } from '../stored-json.ts';

/** One entry as a provider's list gave it, before it is stored. */
export interface DirectoryEntry {
  kind: Recipient['kind'];
  target: string;
  name: string;
  detail: string;
  /** The history's recipient text for this target (what `describe` writes for a send to it). */
  label: string;
}

const conversationItemsSchema = z.array(conversationItemSchema);

const rowSchema = z.object({
  target: z.string(),
  kind: z.enum(recipientKinds),
  name: z.string(),
  detail: z.string(),
  used_at: z.number().nullable(),
});
/** A page of an account's directory in columns (`kinds` one digit per row, an index into `recipientKinds`). */
export type DirectorySnapshotRows = Omit<DirectorySnapshot, 'revision' | 'provider' | 'directory' | 'byName'>;

/**
 * The directory and the conversation cache, on their own connection to the history database
 * (WAL lets it read beside the outbox's writer). The schema is migration 6.
 */
export class DirectoryStore {
  private readonly db: DatabaseSync;
  private readonly st;
  /** Changes per account since this store opened, under a mark of this opening: the picker's copy compares it. */
  private readonly opened = randomUUID().slice(0, 8);
  private readonly changes = new Map<string, number>();

  constructor(file: string) {
    this.db = new DatabaseSync(file);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA temp_store = MEMORY;');
    this.st = {
      upsert: this.db.prepare(
        `INSERT INTO recipients (account_id, target, kind, name, detail, label, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(account_id, target) DO UPDATE SET kind = excluded.kind, name = excluded.name, detail = excluded.detail,
           label = excluded.label, seen_at = max(seen_at, excluded.seen_at)`,
      ),
      // A row a refresh lists unchanged only has its mark raised: naming name or detail in an UPDATE
      // would make its trigger take the row out of the FTS index and put it back (migration 6).
      touch: this.db.prepare(
        `UPDATE recipients SET seen_at = max(seen_at, ?)
         WHERE account_id = ? AND target = ? AND kind = ? AND name = ? AND detail = ? AND label = ?`,
      ),
      sweep: this.db.prepare(
        'DELETE FROM recipients WHERE seq IN (SELECT seq FROM recipients WHERE account_id = ? AND seen_at < ? AND used_at IS NULL LIMIT ?)',
      ),
      count: this.db.prepare('SELECT count(*) AS n FROM recipients WHERE account_id = ?'),
      // The index hands over at most SEARCH_CANDIDATES matches; only the page is ordered and parsed.
      search: this.db.prepare(
        `SELECT target, kind, name, detail, used_at FROM (
           SELECT r.target, r.kind, r.name, r.detail, r.used_at FROM recipients_fts f JOIN recipients r ON r.seq = f.rowid
           WHERE recipients_fts MATCH ? AND r.account_id = ? LIMIT ${SEARCH_CANDIDATES})
         ORDER BY used_at IS NULL, used_at DESC, substr(name, 1, ?) = ? DESC, name LIMIT ?`,
      ),
      recent: this.db.prepare(
        'SELECT target, kind, name, detail, used_at FROM recipients WHERE account_id = ? AND used_at IS NOT NULL ORDER BY used_at DESC LIMIT ?',
      ),
      byName: this.db.prepare('SELECT target, kind, name, detail, used_at FROM recipients WHERE account_id = ? ORDER BY name LIMIT ?'),
      // `+account_id`: walk the table in its own order rather than sort what an index of accounts finds.
      page: this.db.prepare(
        'SELECT seq, target, kind, name, detail, used_at FROM recipients WHERE +account_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
      markUsed: this.db.prepare(
        `INSERT INTO recipients (account_id, target, kind, name, detail, label, seen_at, used_at) VALUES (?, ?, ?, '', '', ?, 0, ?)
         ON CONFLICT(account_id, target) DO UPDATE SET used_at = excluded.used_at`,
      ),
      names: this.db.prepare("SELECT label, name FROM recipients WHERE account_id = ? AND label = ? AND name != '' LIMIT 1"),
      one: this.db.prepare('SELECT target, kind, name, detail, used_at FROM recipients WHERE account_id = ? AND target = ?'),
      getConversation: this.db.prepare('SELECT fetched_at, items FROM conversations WHERE account_id = ? AND target = ?'),
      putConversation: this.db.prepare(
        `INSERT INTO conversations (account_id, target, fetched_at, items) VALUES (?, ?, ?, ?)
         ON CONFLICT(account_id, target) DO UPDATE SET fetched_at = excluded.fetched_at, items = excluded.items`,
      ),
      forget: this.db.prepare('DELETE FROM recipients WHERE account_id = ?'),
      forgetConversations: this.db.prepare('DELETE FROM conversations WHERE account_id = ?'),
      getState: this.db.prepare('SELECT value FROM state WHERE key = ?'),
      setState: this.db.prepare('INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      getSettlement: this.db.prepare('SELECT result, by, provider_message_id, provider_at, checked_at FROM settlements WHERE send_id = ?'),
      putSettlement: this.db.prepare(
        `INSERT INTO settlements (send_id, result, by, provider_message_id, provider_at, checked_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(send_id) DO UPDATE SET result = excluded.result, by = excluded.by, provider_message_id = excluded.provider_message_id,
           provider_at = excluded.provider_at, checked_at = excluded.checked_at`,
      ),
      events: this.db.prepare('SELECT at, kind, text, error FROM send_events WHERE send_id = ? ORDER BY n'),
      addEvent: this.db.prepare(
        'INSERT INTO send_events (send_id, n, at, kind, text, error) SELECT ?, coalesce(max(n), 0) + 1, ?, ?, ?, ? FROM send_events WHERE send_id = ?',
      ),
      activeSend: this.db.prepare("SELECT 1 AS x FROM sends WHERE status IN ('pending', 'sending') AND account_id = ? LIMIT 1"),
      anyActiveSend: this.db.prepare("SELECT 1 AS x FROM sends WHERE status IN ('pending', 'sending') LIMIT 1"),
    };
  }

  /**
   * Stores one page of a refresh in one transaction; `generation` marks what this refresh saw. A row's
   * mark only rises: a look-up stored while a refresh runs must not take back what the refresh saw, or
   * the refresh's sweep drops a recipient it has just listed.
   */
  put(accountId: string, entries: readonly DirectoryEntry[], generation: number): void {
    let wrote = false;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const e of entries)
        if (Number(this.st.touch.run(generation, accountId, e.target, e.kind, e.name, e.detail, e.label).changes) === 0) {
          this.st.upsert.run(accountId, e.target, e.kind, e.name, e.detail, e.label, generation);
          wrote = true;
        }
      this.db.exec('COMMIT');
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
    // A page the directory already held as listed (only its mark rose) leaves every search's answer as it was.
    if (wrote) this.changed(accountId);
  }

  private changed(accountId: string): void {
    this.changes.set(accountId, (this.changes.get(accountId) ?? 0) + 1);
  }

  /** Names the account's directory as it is now; any write gives it a new name. */
  revision(accountId: string): string {
    return `${this.opened}.${this.changes.get(accountId) ?? 0}`;
  }

  /**
   * One page of an account's directory in the index's order, after row `after`, for the picker's own
   * copy: only what an option shows. `next` is where the following page starts, absent at the end.
   */
  snapshotPage(accountId: string, after: number, size: number): DirectorySnapshotRows {
    const rows: DirectorySnapshotRows = { targets: [], kinds: '', names: [], details: [], used: [] };
    const kinds: string[] = [];
    let last = after;
    let read = 0;
    for (const row of this.st.page.iterate(accountId, after, size)) {
      read++;
      const { seq, target, name, detail, used_at } = row;
      if (typeof seq === 'number') last = seq;
      const kind = recipientKinds.findIndex((k) => k === row.kind);
      // A row the search could not show either (a contract bound or an unknown kind) is left out of the copy too.
      if (kind < 0 || typeof target !== 'string' || typeof name !== 'string' || typeof detail !== 'string') continue;
      if (!target || target.length > 200 || name.length > 300 || detail.length > 300) continue;
      if (typeof used_at === 'number') rows.used.push([rows.targets.length, used_at]);
      rows.targets.push(target);
      kinds.push(String(kind));
      rows.names.push(name);
      rows.details.push(detail);
    }
    rows.kinds = kinds.join('');
    if (read === size) rows.next = last;
    return rows;
  }

  /** The first rows by name, which an empty search lists after the recent ones. */
  firstByName(accountId: string, provider: ProviderId, n: number): Recipient[] {
    return this.recipients(accountId, provider, this.st.byName.all(accountId, n));
  }

  /**
   * After a complete refresh: drops what the provider no longer lists (recent recipients stay), at
   * most `limit` rows at a time; how many went, so a caller can do it in pieces.
   */
  sweep(accountId: string, generation: number, limit = Number.MAX_SAFE_INTEGER): number {
    const gone = Number(this.st.sweep.run(accountId, generation, limit).changes);
    if (gone) this.changed(accountId);
    return gone;
  }

  count(accountId: string): number {
    return Number((this.st.count.get(accountId) as { n: number | bigint }).n);
  }

  /** A directory row as a recipient; a row of the wrong shape is left out of the list with a logged reason. */
  private recipients(accountId: string, provider: ProviderId, rows: readonly unknown[]): Recipient[] {
    const out: Recipient[] = [];
    for (const row of rows) {
      const parsed = rowSchema.safeParse(row);
      if (!parsed.success) {
        console.warn(`[directory] a recipient row of ${accountId} is unreadable and left out`);
        continue;
      }
      const r = parsed.data;
      out.push({
        accountId,
        provider,
        kind: r.kind,
        target: r.target,
        name: r.name,
        detail: r.detail,
        ...(r.used_at !== null ? { lastUsedAt: r.used_at } : {}),
      });
    }
    return out;
  }

  /**
   * Recent recipients first, then the rest by name. A word search reads at most a few hundred
   * candidates from the index, so a one-letter prefix over 100 000 entries costs the same as a full name.
   */
  search(accountId: string, provider: ProviderId, text: string, limit: number): Recipient[] {
    const q = ftsQuery(text);
    if (!q) {
      const recent = this.recipients(accountId, provider, this.st.recent.all(accountId, limit));
      const seen = new Set(recent.map((r) => r.target));
      const rest = this.recipients(accountId, provider, this.st.byName.all(accountId, limit + recent.length)).filter(
        (r) => !seen.has(r.target) && r.name,
      );
      return [...recent, ...rest].slice(0, limit);
    }
    const typed = text.trim();
    return this.recipients(accountId, provider, this.st.search.all(q, accountId, typed.length, typed, limit));
  }

  one(accountId: string, provider: ProviderId, target: string): Recipient | undefined {
    const row = this.st.one.get(accountId, target);
    return row ? this.recipients(accountId, provider, [row])[0] : undefined;
  }

  /** A send went to `target`: it moves to the top of the picker (kept even if no list names it). */
  markUsed(accountId: string, target: string, label: string, at: number): void {
    this.st.markUsed.run(accountId, target, 'chat', label, at);
    this.changed(accountId);
  }

  /** The directory's name for a history recipient text, if it knows one. */
  nameForLabel(accountId: string, label: string): string | undefined {
    const row = this.st.names.get(accountId, label);
    return typeof row?.name === 'string' ? row.name : undefined;
  }

  conversation(accountId: string, target: string): { fetchedAt: number; items: ConversationItem[] } | undefined {
    const row = this.st.getConversation.get(accountId, target);
    if (!row || typeof row.fetched_at !== 'number') return undefined;
    // An unreadable stored conversation is as good as none: the pane reads it from the provider again.
    const items = conversationItemsSchema.safeParse(storedJson(row.items));
    return items.success ? { fetchedAt: row.fetched_at, items: items.data } : undefined;
  }

  putConversation(accountId: string, target: string, fetchedAt: number, items: readonly ConversationItem[]): void {
    this.st.putConversation.run(accountId, target, fetchedAt, JSON.stringify(items));
  }

  /** Is a send of this account (of any, without one) waiting to leave or on its way? Reads then step aside. */
  sendActive(accountId?: string): boolean {
    return (accountId === undefined ? this.st.anyActiveSend.get() : this.st.activeSend.get(accountId)) !== undefined;
  }

  settlement(sendId: string): Settlement | undefined {
    const row = this.st.getSettlement.get(sendId);
    if (!row) return undefined;
    const r = settlementSchema.safeParse({
      result: row.result,
      by: row.by,
      checkedAt: row.checked_at,
      ...(row.provider_message_id !== null ? { providerMessageId: row.provider_message_id } : {}),
      ...(row.provider_at !== null ? { providerAt: row.provider_at } : {}),
    });
    return r.success ? r.data : undefined;
  }

  settle(sendId: string, s: Settlement): void {
    this.st.putSettlement.run(sendId, s.result, s.by, s.providerMessageId ?? null, s.providerAt ?? null, s.checkedAt);
  }

  events(sendId: string): SendEvent[] {
    return this.st.events.all(sendId).flatMap((r) => {
      const parsed = sendEventSchema.safeParse({
        at: r.at,
        kind: r.kind,
        ...(typeof r.text === 'string' ? { text: r.text } : {}),
        ...(typeof r.error === 'string' ? { error: storedJson(r.error) } : {}),
      });
      return parsed.success ? [parsed.data] : [];
    });
  }

  addEvent(sendId: string, e: SendEvent): void {
    this.st.addEvent.run(sendId, e.at, e.kind, e.text ?? null, e.error ? JSON.stringify(e.error) : null, sendId);
  }

  getState(key: string): string | undefined {
    const row = this.st.getState.get(key);
    return typeof row?.value === 'string' ? row.value : undefined;
  }

  setState(key: string, value: string): void {
    this.st.setState.run(key, value);
  }

  forget(accountId: string): void {
    this.st.forget.run(accountId);
    this.st.forgetConversations.run(accountId);
    this.changed(accountId);
  }

  close(): void {
    this.db.close();
  }
}
