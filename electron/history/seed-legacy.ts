import { DatabaseSync } from 'node:sqlite';
import { migrations } from './migrations.ts';

/**
 * A history as builds of schema 8 left it: recipients as keys and previews as English text
 * ("📎 акт.pdf", "3 documents: …"), for the benchmark and the tests of the upgrade. Every shape
 * those builds wrote is in the mix, in about the proportions an operator's history has them:
 * mostly texts, some Pachca and Market files, Diadoc packages, and texts that start with a clip.
 * Rows go in by the ten thousand per transaction, indexed for search as those builds did.
 */
const words = 'заказ доставка оплата возврат товар курьер статус трек номер клиент order delivery payment refund item'.split(' ');

export interface LegacyRow {
  id: string;
  provider: 'pachca' | 'market' | 'diadoc' | 'greenapi';
  recipient: string;
  preview: string;
  message: unknown;
}

/** Row `i` of the mix: the shape follows from `i`, so a test knows what each row must become. */
export function legacyRow(i: number): LegacyRow {
  const id = `s_legacy_${i}`;
  const text = `${words[i % words.length]} ${words[(i * 7) % words.length]} №${1000 + (i % 90_000)}`;
  switch (i % 20) {
    case 0:
      return {
        id,
        provider: 'pachca',
        recipient: `user ${i % 500}`,
        preview: `📎 акт ${i}.pdf 📎 счёт ${i}.pdf`,
        message: { provider: 'pachca', entityType: 'user', entityId: i % 500, content: ' ', files: ['f_aaaaaaaa', 'f_bbbbbbbb'] },
      };
    case 1:
      return {
        id,
        provider: 'market',
        recipient: `chat ${i % 50_000}`,
        preview: i % 40 === 1 ? '📎 file' : `📎 фото ${i}.jpg`,
        message: { provider: 'market', businessId: '100500', chatId: String(i % 50_000), kind: 'file', file: 'f_cccccccc' },
      };
    case 2:
      return {
        id,
        provider: 'market',
        recipient: `chat ${i % 50_000}`,
        preview: `📎 ${text}`,
        message: { provider: 'market', businessId: '100500', chatId: String(i % 50_000), kind: 'text', text: `📎 ${text}` },
      };
    case 3:
    case 4:
      return {
        id,
        provider: 'diadoc',
        recipient: `box-${i % 3000}@diadoc.ru`,
        preview: i % 20 === 3 ? `3 documents: Акт ${i} · console-${i} · dogovor.pdf` : `1 document: Счёт ${i}`,
        message: { provider: 'diadoc', fromBoxId: 'seed-box@diadoc.ru', toBoxId: `box-${i % 3000}@diadoc.ru`, documents: [] },
      };
    case 5:
    case 6:
    case 7:
    case 8:
    case 9:
      return {
        id,
        provider: 'pachca',
        recipient: `chat ${i % 2000}`,
        preview: text,
        message: { provider: 'pachca', entityType: 'discussion', entityId: i % 2000, content: text },
      };
    case 10:
    case 11:
    case 12:
    case 13:
    case 14:
      return {
        id,
        provider: 'market',
        recipient: i % 20 === 14 ? `thread ${i % 700}` : `chat ${i % 50_000}`,
        preview: text,
        message: { provider: 'market', businessId: '100500', chatId: String(i % 50_000), kind: 'text', text },
      };
    default:
      return {
        id,
        provider: 'greenapi',
        recipient: `7900${String(i % 1e7).padStart(7, '0')}@c.us`,
        // A text that merely looks like a Diadoc package, now and then: it stays a text.
        preview: i % 20 === 19 ? `Добрый день! 3 documents: ${text}` : `"${text}"\n\t\\ ✓`,
        message: { provider: 'greenapi', recipientType: 'individual', to: `7900${String(i % 1e7).padStart(7, '0')}`, text },
      };
  }
}

/** Creates `file` at schema 8 holding `count` rows of the mix (seq = i + 1). */
export function seedLegacyHistory(file: string, count: number): { ms: number } {
  const t0 = performance.now();
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;');
  db.exec('BEGIN');
  for (const step of migrations.slice(0, 8)) step(db);
  db.exec('PRAGMA user_version = 8; COMMIT');
  const insert = db.prepare(
    `INSERT INTO sends (seq, id, provider, account_id, account_name, sandbox, status, recipient, preview, search_text, message, operation_id, created_at, updated_at, attempt_count)
     VALUES (?, ?, ?, ?, ?, 0, 'sent', ?, ?, NULL, ?, ?, ?, ?, 1)`,
  );
  const fts = db.prepare('INSERT INTO sends_fts(rowid, recipient, body) VALUES (?, ?, ?)');
  const start = Date.now() - 365 * 86_400_000;
  for (let done = 0; done < count;) {
    db.exec('BEGIN');
    const end = Math.min(count, done + 10_000);
    for (let i = done; i < end; i++) {
      const r = legacyRow(i);
      const at = start + i;
      insert.run(
        i + 1,
        r.id,
        r.provider,
        `a_${r.provider}`,
        r.provider,
        r.recipient,
        r.preview,
        JSON.stringify(r.message),
        `op-${i}`,
        at,
        at,
      );
      fts.run(i + 1, r.recipient, r.preview);
    }
    db.exec('COMMIT');
    done = end;
  }
  db.prepare(
    "INSERT INTO state (key, value) VALUES ('fts_upto', (SELECT CAST(coalesce(max(seq), 0) AS TEXT) FROM sends)) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
  ).run();
  db.close();
  return { ms: performance.now() - t0 };
}
