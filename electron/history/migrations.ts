import type { DatabaseSync } from 'node:sqlite';

/**
 * The schema, as an ordered list of steps; `PRAGMA user_version` says how many have run. A step
 * is never edited once shipped: a change is a new step, so every old database can be opened.
 */
export const migrations: readonly ((db: DatabaseSync) => void)[] = [
  // 1: sends, their attempts, and key/value state (the rate limiter, file handles).
  (db) => {
    db.exec(`
      CREATE TABLE sends (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        provider TEXT NOT NULL,
        account_id TEXT NOT NULL,
        account_name TEXT NOT NULL,
        sandbox INTEGER NOT NULL,
        status TEXT NOT NULL,
        recipient TEXT NOT NULL,
        preview TEXT NOT NULL,
        search_text TEXT NOT NULL,
        message TEXT NOT NULL,
        operation_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        scheduled_at INTEGER,
        next_attempt_at INTEGER,
        provider_message_id TEXT,
        error TEXT,
        attempt_count INTEGER NOT NULL DEFAULT 0,
        group_id TEXT,
        resend_of TEXT
      );
      CREATE INDEX sends_status ON sends(status, seq);
      CREATE TABLE attempts (
        send_seq INTEGER NOT NULL REFERENCES sends(seq),
        n INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        outcome TEXT NOT NULL,
        error TEXT,
        exchanges TEXT NOT NULL,
        PRIMARY KEY (send_seq, n)
      ) WITHOUT ROWID;
      CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    `);
  },
  // 2: full-text search and the filter indexes. The FTS table is contentless with rowid = seq,
  // so "newest first" walks its doclists backwards and stops at the page size; the search text
  // moves out of `sends`, where nothing reads it.
  (db) => {
    db.exec(`
      CREATE VIRTUAL TABLE sends_fts USING fts5(recipient, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2', prefix='2 3');
      INSERT INTO sends_fts(rowid, recipient, body) SELECT seq, recipient, search_text FROM sends;
      ALTER TABLE sends DROP COLUMN search_text;
      CREATE INDEX sends_provider ON sends(provider, seq);
      CREATE INDEX sends_account ON sends(account_id, seq);
      CREATE INDEX sends_recipient ON sends(recipient, seq);
      CREATE INDEX sends_created ON sends(created_at);
      CREATE INDEX sends_provider_status ON sends(provider, status, seq);
    `);
  },
  // 3: the vocabulary of every indexed term. FTS5 answers a prefix query ("заказ*") by merging
  // the whole doclist of every matching term before it can return the newest rows (60 ms for a
  // common word at 1 M rows); a query for the exact terms walks backwards and stops at the page
  // size (0.2 ms). Prefixes of 2–3 characters have FTS5 prefix indexes; longer ones are expanded
  // into the exact terms found here.
  (db) => {
    db.exec(`
      CREATE TABLE fts_terms (term TEXT PRIMARY KEY) WITHOUT ROWID;
      CREATE VIRTUAL TABLE temp.sends_fts_vocab USING fts5vocab(main, sends_fts, 'row');
      INSERT OR IGNORE INTO fts_terms SELECT term FROM temp.sends_fts_vocab;
      DROP TABLE temp.sends_fts_vocab;
    `);
  },
  // 4: the search text is kept on the send again, and indexed in batches off the send's commit.
  // Every row written so far is already in the index.
  (db) => {
    db.exec(`
      ALTER TABLE sends ADD COLUMN search_text TEXT;
      INSERT INTO state (key, value) SELECT 'fts_upto', CAST(coalesce(max(seq), 0) AS TEXT) FROM sends WHERE 1
        ON CONFLICT(key) DO UPDATE SET value = excluded.value;
    `);
  },
  // 5: the sends that repeat or replace another, found from the other one: "still waiting for the
  // operator" means an unknown outcome that nothing was sent again for.
  (db) => {
    db.exec('CREATE INDEX sends_resend_of ON sends(resend_of) WHERE resend_of IS NOT NULL;');
  },
  // 6: the recipient directory per account (electron/readside/): whom an account can write to, as
  // the provider listed it, with a full-text index over name, detail and identifier kept by
  // triggers; `label` is the history's recipient text for the same target, so the history can
  // show names beside ids. Conversations are cached per chat so one opens before the network answers.
  (db) => {
    db.exec(`
      CREATE TABLE recipients (
        seq INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL,
        target TEXT NOT NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        detail TEXT NOT NULL,
        label TEXT NOT NULL,
        seen_at INTEGER NOT NULL,
        used_at INTEGER,
        UNIQUE (account_id, target)
      );
      CREATE INDEX recipients_label ON recipients(account_id, label);
      CREATE INDEX recipients_name ON recipients(account_id, name);
      CREATE INDEX recipients_used ON recipients(account_id, used_at) WHERE used_at IS NOT NULL;
      CREATE VIRTUAL TABLE recipients_fts USING fts5(name, detail, target, content='recipients', content_rowid='seq', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');
      CREATE TRIGGER recipients_ai AFTER INSERT ON recipients BEGIN
        INSERT INTO recipients_fts(rowid, name, detail, target) VALUES (new.seq, new.name, new.detail, new.target);
      END;
      CREATE TRIGGER recipients_ad AFTER DELETE ON recipients BEGIN
        INSERT INTO recipients_fts(recipients_fts, rowid, name, detail, target) VALUES ('delete', old.seq, old.name, old.detail, old.target);
      END;
      CREATE TRIGGER recipients_au AFTER UPDATE OF name, detail, target ON recipients BEGIN
        INSERT INTO recipients_fts(recipients_fts, rowid, name, detail, target) VALUES ('delete', old.seq, old.name, old.detail, old.target);
        INSERT INTO recipients_fts(rowid, name, detail, target) VALUES (new.seq, new.name, new.detail, new.target);
      END;
      CREATE TABLE conversations (
        account_id TEXT NOT NULL,
        target TEXT NOT NULL,
        fetched_at INTEGER NOT NULL,
        items TEXT NOT NULL,
        PRIMARY KEY (account_id, target)
      ) WITHOUT ROWID;
    `);
  },
  // 7: how an unknown outcome was settled, kept beside the send: the provider's record (a
  // matching message's id and time), the operator's word, or a look that found nothing.
  (db) => {
    db.exec(`
      CREATE TABLE settlements (
        send_id TEXT PRIMARY KEY,
        result TEXT NOT NULL,
        by TEXT NOT NULL,
        provider_message_id TEXT,
        provider_at INTEGER,
        checked_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
  },
  // 8: what happened to a sent message afterwards (edited, deleted at the provider), as events of its send.
  (db) => {
    db.exec(`
      CREATE TABLE send_events (
        send_id TEXT NOT NULL,
        n INTEGER NOT NULL,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        text TEXT,
        error TEXT,
        PRIMARY KEY (send_id, n)
      ) WITHOUT ROWID;
    `);
  },
  // 9: whom a send went to and what it carried are kept as data (`label`, see label-column.ts) for
  // the screen to word in the operator's language, instead of English text built in the main process.
  // The step itself only adds the column: reading 1 M older rows back from their English text took
  // 40 s before the window could show. Those rows ('' label, the range kept in `labels_from` and
  // `labels_to`) are converted in batches after the window is up (legacy-labels.ts), and read through
  // the same parser meanwhile. A history with no rows yet loses its English column at once.
  (db) => {
    db.exec(`
      ALTER TABLE sends ADD COLUMN label TEXT NOT NULL DEFAULT '';
      INSERT INTO state (key, value) SELECT 'labels_to', (SELECT CAST(max(seq) AS TEXT) FROM sends) WHERE EXISTS (SELECT 1 FROM sends)
        ON CONFLICT(key) DO UPDATE SET value = excluded.value;
      INSERT INTO state (key, value) SELECT 'labels_from', '0' WHERE EXISTS (SELECT 1 FROM sends)
        ON CONFLICT(key) DO UPDATE SET value = excluded.value;
    `);
    if (!db.prepare('SELECT 1 AS x FROM sends LIMIT 1').get()) db.exec('ALTER TABLE sends DROP COLUMN preview');
  },
  // 10: every history has the English column again, empty by default: the first build of step 9
  // converted every row at once and dropped it, the step above keeps it (emptied row by row as they
  // are converted). Reading a row then needs one form of the table.
  (db) => {
    if (!db.prepare("SELECT 1 AS x FROM pragma_table_info('sends') WHERE name = 'preview'").get())
      db.exec("ALTER TABLE sends ADD COLUMN preview TEXT NOT NULL DEFAULT ''");
  },
];

/** The history was written by a newer version of the app: opening it here could damage it. */
export class HistoryTooNewError extends Error {
  readonly found: number;
  readonly known: number;
  constructor(found: number, known: number) {
    super(`The history database has schema version ${found}; this version of the app knows up to ${known}.`);
    this.name = 'HistoryTooNewError';
    this.found = found;
    this.known = known;
  }
}

/** Reads the schema version and refuses one this app does not know, before anything is written. */
export function schemaVersionOf(db: DatabaseSync): number {
  const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  if (version > migrations.length) throw new HistoryTooNewError(version, migrations.length);
  return version;
}

export function migrate(db: DatabaseSync): void {
  const version = schemaVersionOf(db);
  for (let v = version; v < migrations.length; v++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      migrations[v]!(db);
      db.exec(`PRAGMA user_version = ${v + 1}`);
      db.exec('COMMIT');
    } catch (e) {
      db.exec('ROLLBACK');
      throw e;
    }
  }
}
