import { DatabaseSync } from 'node:sqlite';
import { recipientOfKey, textPreview } from '../../shared/send-labels.ts';
import { labelText } from './label-column.ts';
import { openHistory } from './store.ts';

/**
 * Fills a history file with realistic mixed sends for the benchmark and the 100 000-row e2e:
 * four providers, every status, Russian and English texts whose words follow a Zipf-like
 * distribution (so one word is in a large share of all sends), dates spread over a year.
 * Rows go in by the ten thousand per transaction, straight into the tables the store reads.
 */
const ru =
  'заказ доставка оплата возврат товар курьер статус трек номер клиент покупатель магазин склад сегодня завтра спасибо здравствуйте пожалуйста документ счёт акт договор подпись отправлен получен задерживается отменён оформлен уточните адрес время окно упаковка размер цвет гарантия обмен скидка промокод баллы кэшбэк чек карта перевод'.split(
    ' ',
  );
const en =
  'order delivery payment refund item courier status tracking number customer shop warehouse today tomorrow thanks hello please document invoice contract signature sent received delayed cancelled placed address window package size colour warranty exchange discount promo points receipt card transfer'.split(
    ' ',
  );
/** Every word the seeding writes: the benchmark searches each of them. */
export const vocabulary: readonly string[] = [...ru, ...en];
const providers = ['pachca', 'diadoc', 'market', 'greenapi'] as const;
const statuses = ['sent', 'sent', 'sent', 'sent', 'sent', 'sent', 'failed', 'outcome_unknown', 'cancelled', 'waiting'] as const;

/** The word the seeding makes most common: every search benchmark tries it. */
export const mostCommonWord = vocabulary[0]!;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function seedHistory(file: string, count: number, opts: { seed?: number; until?: number } = {}): { ms: number } {
  const t0 = performance.now();
  openHistory(file).close(); // migrations
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;');
  const random = rng(opts.seed ?? 42);
  // Zipf: word i is drawn with weight 1/(i+1).
  const weights = vocabulary.map((_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  weights.reduce((acc, w, i) => (cumulative[i] = acc + w / total), 0);
  const word = () => {
    const r = random();
    let i = 0;
    while (cumulative[i]! < r) i++;
    return vocabulary[i]!;
  };
  const last = (db.prepare('SELECT max(created_at) AS t FROM sends').get() as { t: number | null }).t ?? 0;
  const until = opts.until ?? Date.now();
  const span = 365 * 86_400_000;
  const start = Math.max(last, until - span);
  const step = (until - start) / Math.max(1, count);
  const insert = db.prepare(
    `INSERT INTO sends (id, provider, account_id, account_name, sandbox, status, recipient, label, message, operation_id, created_at, updated_at, provider_message_id, error, attempt_count)
     VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
  );
  const fts = db.prepare('INSERT INTO sends_fts(rowid, recipient, body) VALUES (?, ?, ?)');
  const failedError = JSON.stringify({
    kind: 'invalid',
    message: 'to: Invalid parameter -to-',
    reason: 'bad_phone',
    field: 'to',
    providerStatus: 400,
    providerCode: '1021',
  });
  const unknownError = JSON.stringify({ kind: 'outcome_unknown', message: 'The connection was lost', reason: 'connection_lost' });
  for (let done = 0; done < count;) {
    db.exec('BEGIN');
    const end = Math.min(count, done + 10_000);
    for (let i = done; i < end; i++) {
      const provider = providers[Math.floor(random() * providers.length)]!;
      const status = statuses[Math.floor(random() * statuses.length)]!;
      const words = Array.from({ length: 4 + Math.floor(random() * 14) }, word);
      words[0] = words[0]!.charAt(0).toUpperCase() + words[0]!.slice(1);
      const text = `${words.join(' ')} №${1000 + Math.floor(random() * 90_000)}`;
      const recipient =
        provider === 'greenapi'
          ? `7900${String(Math.floor(random() * 1e7)).padStart(7, '0')}`
          : provider === 'market'
            ? `chat ${Math.floor(random() * 50_000)}`
            : provider === 'pachca'
              ? `chat ${Math.floor(random() * 2000)}`
              : `box-${Math.floor(random() * 3000)}@diadoc.ru`;
      const createdAt = Math.round(start + i * step);
      const message =
        provider === 'greenapi'
          ? { provider, recipientType: 'individual', to: recipient, text }
          : provider === 'market'
            ? { provider, businessId: '100500', chatId: recipient.slice(5), kind: 'text', text }
            : provider === 'pachca'
              ? { provider, entityType: 'discussion', entityId: Number(recipient.slice(5)), content: text }
              : { provider, fromBoxId: 'seed-box@diadoc.ru', toBoxId: recipient, documents: [] };
      const r = insert.run(
        `s_seed_${opts.seed ?? 42}_${last}_${i}`,
        provider,
        `a_seed_${provider}`,
        `Seed ${provider}`,
        status,
        recipient,
        labelText({ to: recipientOfKey(provider, recipient), preview: textPreview(text) }),
        JSON.stringify(message),
        `op-${i}`,
        createdAt,
        createdAt,
        status === 'sent' ? `m${i}` : null,
        status === 'failed' ? failedError : status === 'outcome_unknown' ? unknownError : null,
      );
      fts.run(r.lastInsertRowid, recipient, text);
    }
    db.exec('COMMIT');
    done = end;
  }
  db.prepare(
    "INSERT INTO state (key, value) VALUES ('fts_upto', (SELECT CAST(max(seq) AS TEXT) FROM sends)) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
  ).run();
  // No 'optimize' at the end: the index stays in the segments incremental writes leave, as the app's own is.
  db.exec(
    "CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, sends_fts, 'row'); INSERT OR IGNORE INTO fts_terms SELECT term FROM temp.v; DROP TABLE temp.v;",
  );
  db.close();
  return { ms: performance.now() - t0 };
}
