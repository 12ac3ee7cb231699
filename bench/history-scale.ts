import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { mostCommonWord, seedHistory, vocabulary } from '../electron/history/seed.ts';
import { openHistory } from '../electron/history/store.ts';
import { textSend } from '../electron/testing/text-send.ts';
import { stats, type Stats } from './stats.ts';

export interface ScaleResult {
  rows: number;
  seedMs: number;
  bytesPerRow: number;
  commonWord: string;
  newestPage: Stats;
  searchCommon: Stats;
  searchRare: Stats;
  /** The slowest word of the whole vocabulary (its p50): "any word", measured rather than assumed. */
  searchWorstWord: { word: string; words: number; stats: Stats };
  /** A half-typed word, as the search box sends it while the operator types. */
  searchPrefix: Stats;
  /** A common word inside the combined filters. */
  searchFiltered: Stats;
  /** A common word among one recipient's few sends. */
  searchOneRecipient: Stats;
  /** A common word within the oldest five days: the full-text walk has to start deep. */
  searchOldWindow: Stats;
  combinedFilters: Stats;
}

function time(n: number, fn: () => unknown): Stats {
  for (let i = 0; i < 5; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return stats(samples);
}

function quietestRecipient(file: string): string {
  const db = new DatabaseSync(file, { readOnly: true });
  const row = db.prepare('SELECT recipient FROM sends GROUP BY recipient ORDER BY count(*), recipient LIMIT 1').get() as {
    recipient: string;
  };
  db.close();
  return row.recipient;
}

/** The history's queries at 10 k, 100 k and 1 M rows: newest page, full-text, combined filters. */
export async function benchHistoryScale(sizes: readonly number[], repeats = 50): Promise<ScaleResult[]> {
  const out: ScaleResult[] = [];
  for (const rows of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-history-'));
    const file = join(dir, 'history.sqlite');
    const now = Date.now();
    const { ms } = seedHistory(file, rows, { until: now });
    const store = openHistory(file);
    const bytes = statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    const quietRecipient = quietestRecipient(file);
    let worst: ScaleResult['searchWorstWord'] | undefined;
    for (const word of vocabulary) {
      const s = time(Math.max(5, Math.round(repeats / 5)), () => store.list({ limit: 100, text: word }));
      if (!worst || s.p50 > worst.stats.p50) worst = { word, words: vocabulary.length, stats: s };
    }
    out.push({
      rows,
      seedMs: ms,
      bytesPerRow: bytes / rows,
      commonWord: mostCommonWord,
      newestPage: time(repeats, () => store.list({ limit: 100 })),
      searchCommon: time(repeats, () => store.list({ limit: 100, text: mostCommonWord })),
      searchRare: time(repeats, () => store.list({ limit: 100, text: 'кэшбэк' })),
      searchWorstWord: worst!,
      searchPrefix: time(repeats, () => store.list({ limit: 100, text: 'зак' })),
      searchOneRecipient: time(repeats, () => store.list({ limit: 100, text: mostCommonWord, recipient: quietRecipient })),
      searchOldWindow: time(repeats, () =>
        store.list({ limit: 100, text: mostCommonWord, from: now - 365 * 86_400_000, to: now - 360 * 86_400_000 }),
      ),
      searchFiltered: time(repeats, () =>
        store.list({
          limit: 100,
          text: mostCommonWord,
          provider: 'market',
          statuses: ['failed'],
          from: now - 90 * 86_400_000,
          to: now - 30 * 86_400_000,
        }),
      ),
      combinedFilters: time(repeats, () =>
        store.list({ limit: 100, provider: 'market', statuses: ['failed'], from: now - 90 * 86_400_000, to: now - 30 * 86_400_000 }),
      ),
    });
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/**
 * The store alone: the write-ahead record, one attempt, and the final status, per send. `durable`
 * false keeps those three commits at synchronous=NORMAL, to show what their fsyncs cost.
 */
export async function benchHistoryWrite(n = 2000, durable = true): Promise<Stats> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-write-'));
  const store = openHistory(join(dir, 'history.sqlite'), { durableCommits: durable });
  const samples: number[] = [];
  for (let i = 0; i < n + 100; i++) {
    const id = `s_${i}`;
    const t0 = performance.now();
    store.insertSend(textSend(i, { text: 'Заказ отправлен', createdAt: Date.now() }));
    store.startAttempt(id, 1, Date.now());
    store.finishAttempt(
      id,
      1,
      {
        endedAt: Date.now(),
        outcome: 'sent',
        exchanges: [
          {
            method: 'POST',
            url: 'https://api.green-api.com/v1/messages',
            requestHeaders: { authorization: 'Bearer ‹redacted›' },
            requestBody: '{"to":"79001234567"}',
            status: 201,
            responseHeaders: {},
            responseBody: '{"messages":[{"id":"1"}]}',
            startedAt: Date.now(),
            durationMs: 1,
          },
        ],
      },
      { patch: { status: 'sent', updatedAt: Date.now(), providerMessageId: String(i), error: null }, from: ['sending'] },
    );
    if (i >= 100) samples.push(performance.now() - t0);
  }
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return stats(samples);
}
