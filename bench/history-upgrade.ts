import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Logger } from '../electron/app/log-file.ts';
import { registerLegacyLabel } from '../electron/history/legacy-labels.ts';
import { seedLegacyHistory } from '../electron/history/seed-legacy.ts';
import { createHost } from '../electron/host.ts';
import { confSettings } from '../electron/vault/conf-settings.ts';
import { keyedSecretBox } from '../electron/vault/secret-box.ts';
import { stats, type Stats } from './stats.ts';

export interface UpgradeResult {
  rows: number;
  seedMs: number;
  /** From createHost to the first history page answered, on a history an older version wrote. */
  usableMs: number;
  /** From createHost to the last old row converted in the background. */
  convertMs: number;
  /** A history page asked for while the conversion runs: the wait for the slice under way included. */
  pageDuring: Stats;
  /** The same history upgraded the way the first schema 9 did, in one step before the window (for comparison). */
  blockingMs: number;
}

const quiet: Logger = { write: () => undefined };

/** What the first schema 9 did before the window could show: every row through legacyLabel in one UPDATE, the English column dropped. */
function blockingUpgrade(file: string): number {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32000;');
  registerLegacyLabel(db);
  const t0 = performance.now();
  db.exec(`BEGIN IMMEDIATE;
    ALTER TABLE sends ADD COLUMN label TEXT NOT NULL DEFAULT '';
    UPDATE sends SET label = legacy_label(provider, recipient, preview, CASE WHEN preview LIKE '📎 %' THEN message END);
    ALTER TABLE sends DROP COLUMN preview;
    COMMIT;`);
  const ms = performance.now() - t0;
  db.close();
  return ms;
}

/** Start-up on a history of `rows` rows that a build of schema 8 wrote (English recipients and previews). */
export async function benchHistoryUpgrade(rows: number): Promise<UpgradeResult> {
  const root = mkdtempSync(join(tmpdir(), 'bench-upgrade-'));
  const dataDir = join(root, 'data');
  mkdirSync(dataDir);
  const file = join(dataDir, 'history.sqlite');
  try {
    const { ms: seedMs } = seedLegacyHistory(file, rows);
    const copy = join(root, 'blocking.sqlite');
    copyFileSync(file, copy);
    const blockingMs = blockingUpgrade(copy);
    rmSync(copy, { force: true });
    rmSync(`${copy}-wal`, { force: true });

    const t0 = performance.now();
    const host = await createHost({
      dataDir,
      settings: confSettings(dataDir),
      secretBox: keyedSecretBox(Buffer.alloc(32, 7)),
      version: 'bench',
      sandbox: false,
      log: quiet,
    });
    const first = await host.dispatch('history.list', { limit: 100 });
    if (!first.ok) throw new Error(`history.list: ${first.error.message}`);
    const usableMs = performance.now() - t0;
    const finished = new Promise<number>((resolve) => {
      host.on('historyUpgrade', (p) => {
        if (p.done === p.total) resolve(performance.now());
      });
      // A small history may be converted before the listener was there.
      void Promise.resolve(host.handlers.history.upgrade(undefined)).then((p) => p.done === p.total && resolve(performance.now()));
    });
    const samples: number[] = [];
    let end: number | undefined;
    void finished.then((at) => (end = at));
    while (end === undefined) {
      const asked = performance.now();
      // Queued behind the slice under way, as a request from the window is.
      await new Promise((r) => setTimeout(r, 0));
      const page = await host.dispatch('history.list', { limit: 100 });
      if (!page.ok) throw new Error(`history.list: ${page.error.message}`);
      samples.push(performance.now() - asked);
      await new Promise((r) => setTimeout(r, 20));
    }
    await host.close();
    return { rows, seedMs, usableMs, convertMs: end - t0, pageDuring: stats(samples), blockingMs };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
