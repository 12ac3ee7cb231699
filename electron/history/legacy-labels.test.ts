import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { createHost } from '../host.ts';
import { capturingLog } from '../testing/capturing-log.ts';
import { textSend } from '../testing/text-send.ts';
import { confSettings } from '../vault/conf-settings.ts';
import { keyedSecretBox } from '../vault/secret-box.ts';
import type { Logger } from '../app/log-file.ts';
import { labelText, legacyLabel, readLabel } from './label-column.ts';
import { LabelUpgrade } from './label-upgrade.ts';
import { migrations } from './migrations.ts';
import { legacyRow, seedLegacyHistory } from './seed-legacy.ts';
import { openHistory } from './store.ts';
import type { HistoryStore } from './types.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'history-labels-'));

/** What row `i` of the old mix must read as: legacyLabel, the one reader of the English text, decides. */
function expected(i: number) {
  const r = legacyRow(i);
  const label = legacyLabel(r.provider, r.recipient, r.preview, JSON.stringify(r.message));
  return { id: r.id, to: label.to, preview: label.preview };
}

function shown(store: HistoryStore, count: number) {
  return Array.from({ length: count }, (_, i) => {
    const s = store.getSummary(legacyRow(i).id);
    return { id: legacyRow(i).id, to: s?.to, preview: s?.preview };
  });
}

/** The label column as stored, parsed; '' (not converted yet) reads as undefined. */
function stored(file: string): Map<string, unknown> {
  const db = new DatabaseSync(file, { readOnly: true });
  const rows = db.prepare('SELECT id, label FROM sends').all();
  db.close();
  return new Map(rows.map((r) => [String(r.id), r.label === '' ? undefined : readLabel(r.label)]));
}

describe('rows an older version wrote, converted after the window is up', () => {
  it('reads every old shape the same before, during and after the conversion, and stores it as data', () => {
    const f = join(dir(), 'history.sqlite');
    const count = 400; // every shape of the mix many times over (it repeats every 40 rows)
    seedLegacyHistory(f, count);
    const want = Array.from({ length: count }, (_, i) => expected(i));
    // The mix holds every kind the English text can stand for.
    expect(new Set(want.map((w) => w.preview.kind))).toEqual(new Set(['text', 'files', 'documents']));
    expect(new Set(want.map((w) => w.to.kind))).toEqual(new Set(['chat', 'user', 'thread', 'box', 'address']));

    const store = openHistory(f);
    expect(store.legacyLabelProgress()).toEqual({ done: 0, total: count });
    expect(shown(store, count)).toEqual(want);
    expect(store.convertLegacyLabels(37)).toEqual({ done: 37, total: count });
    expect(shown(store, count)).toEqual(want);
    // A send made meanwhile is the operator's own data: the conversion leaves it as it was written.
    store.insertSend({
      id: 's_new',
      provider: 'pachca',
      accountId: 'a1',
      accountName: 'P',
      sandbox: false,
      status: 'pending',
      to: { kind: 'chat', id: '9' },
      preview: { kind: 'files', count: 2, names: ['a.pdf'] },
      searchText: 'a.pdf',
      message: { provider: 'pachca', entityType: 'discussion', entityId: 9, content: '', files: ['f_aaaaaaaa', 'f_bbbbbbbb'] },
      operationId: 'op_new',
      createdAt: Date.now(),
    });
    while (store.convertLegacyLabels(50));
    expect(store.legacyLabelProgress()).toBeUndefined();
    expect(shown(store, count)).toEqual(want);
    expect(store.getSummary('s_new')).toMatchObject({
      to: { kind: 'chat', id: '9' },
      preview: { kind: 'files', count: 2, names: ['a.pdf'] },
    });
    // Old rows are still found by their words and their recipient.
    expect(store.list({ limit: 5, text: 'dogovor' }).items.length).toBeGreaterThan(0);
    expect(store.list({ limit: 500, recipient: 'user 0' }).items.map((s) => s.id)).toContain('s_legacy_0');
    store.close();

    const labels = stored(f);
    for (const w of want) expect(labels.get(w.id)).toEqual({ to: w.to, preview: w.preview });
    expect(labels.get('s_new')).toEqual({ to: { kind: 'chat', id: '9' }, preview: { kind: 'files', count: 2, names: ['a.pdf'] } });
  });

  it('opens a history the first schema 9 had already converted at once, and writes to it', () => {
    const f = join(dir(), 'history.sqlite');
    seedLegacyHistory(f, 40);
    // What that build did, in one start: every label written, the English column dropped.
    const db = new DatabaseSync(f);
    db.function('legacy_label', (p, r, v, m) => labelText(legacyLabel(String(p), String(r), String(v), String(m))));
    db.exec(`ALTER TABLE sends ADD COLUMN label TEXT NOT NULL DEFAULT '';
      UPDATE sends SET label = legacy_label(provider, recipient, preview, message);
      ALTER TABLE sends DROP COLUMN preview;
      PRAGMA user_version = 9;`);
    db.close();
    const store = openHistory(f);
    expect(store.legacyLabelProgress()).toBeUndefined();
    expect(shown(store, 40)).toEqual(Array.from({ length: 40 }, (_, i) => expected(i)));
    store.insertSend(textSend('after', { text: 'После обновления', createdAt: Date.now() }));
    expect(store.getSummary('s_after')?.preview).toEqual({ kind: 'text', text: 'После обновления' });
    store.close();
  });

  it('a new history has nothing to convert', () => {
    const f = join(dir(), 'history.sqlite');
    const store = openHistory(f);
    expect(store.legacyLabelProgress()).toBeUndefined();
    store.close();
    const db = new DatabaseSync(f, { readOnly: true });
    expect((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(migrations.length);
    db.close();
  });

  it('a full disk pauses the conversion without losing a row, and it goes on once there is room', async () => {
    const f = join(dir(), 'history.sqlite');
    const count = 3000;
    seedLegacyHistory(f, count);
    let db: DatabaseSync | undefined;
    const store = openHistory(f, { connection: (c) => (db = c) });
    const { page_count } = db!.prepare('PRAGMA page_count').get() as { page_count: number };
    db!.exec(`PRAGMA max_page_count = ${page_count}`);
    const events: string[] = [];
    const log: Logger = { write: (_level, event, detail) => events.push(`${event} ${JSON.stringify(detail)}`) };
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const upgrade = new LabelUpgrade({ history: store, log, sliceMs: 2, progress: (p) => p.done === p.total && finished() });
    upgrade.start();
    try {
      await expect.poll(() => events.some((e) => e.startsWith('history.labels.retry') && e.includes('disk_full'))).toBe(true);
      expect(upgrade.progress()?.done).toBeLessThan(count);
      // Meanwhile every row still reads as it must, converted or not.
      expect(shown(store, 40)).toEqual(Array.from({ length: 40 }, (_, i) => expected(i)));
      db!.exec('PRAGMA max_page_count = 1073741823');
      await done;
      expect(store.legacyLabelProgress()).toBeUndefined();
      expect(shown(store, count)).toEqual(Array.from({ length: count }, (_, i) => expected(i)));
    } finally {
      upgrade.stop();
      store.close();
    }
  });

  it('the host answers history pages while the conversion runs, and says how far it has come', async () => {
    const dataDir = dir();
    const count = 20_000;
    seedLegacyHistory(join(dataDir, 'history.sqlite'), count);
    const host = await createHost({
      dataDir,
      settings: confSettings(dataDir),
      secretBox: keyedSecretBox(Buffer.alloc(32, 3)),
      version: 'test',
      sandbox: false,
      labelUpgradeSliceMs: 2,
      log: capturingLog(),
    });
    try {
      const told: { done: number; total: number }[] = [];
      const finished = new Promise<void>((resolve) =>
        host.on('historyUpgrade', (p) => {
          told.push(p);
          if (p.done === p.total) resolve();
        }),
      );
      let pagesDuring = 0;
      for (;;) {
        const upgrade = await host.handlers.history.upgrade(undefined);
        if (upgrade.done === upgrade.total) break;
        expect(upgrade.total).toBe(count);
        const page = await host.dispatch('history.list', { limit: 40 });
        expect(page.ok).toBe(true);
        if (!page.ok) break;
        const { items: rows } = page.value as { items: { id: string; to: unknown; preview: unknown }[] };
        expect(rows.map((s) => ({ id: s.id, to: s.to, preview: s.preview }))).toEqual(
          Array.from({ length: 40 }, (_, k) => expected(count - 1 - k)),
        );
        pagesDuring++;
        await new Promise((r) => setTimeout(r, 5));
      }
      await finished;
      expect(pagesDuring).toBeGreaterThan(0);
      expect(told.at(-1)).toEqual({ done: count, total: count });
      expect(told.map((p) => p.done)).toEqual(told.map((p) => p.done).toSorted((a, b) => a - b));
      expect(await host.handlers.history.upgrade(undefined)).toEqual({ done: 0, total: 0 });
    } finally {
      await host.close();
    }
  });

  it('survives a SIGKILL mid-way: the next start goes on from the last batch, nothing lost or converted twice', async () => {
    const dataDir = dir();
    mkdirSync(dataDir, { recursive: true });
    const f = join(dataDir, 'history.sqlite');
    const count = 60_000;
    seedLegacyHistory(f, count);

    const run = (killAt?: number) =>
      new Promise<{ out: string; signal: NodeJS.Signals | null }>((resolve) => {
        const proc = spawn(process.execPath, [join(import.meta.dirname, '../testing/label-upgrade-crash-driver.ts')], {
          env: { ...process.env, UPGRADE_DATA_DIR: dataDir, UPGRADE_SLICE_MS: '2' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        proc.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const last = [...out.matchAll(/PROGRESS (\d+) (\d+)/g)].at(-1);
          if (killAt !== undefined && last && Number(last[1]) >= killAt && !proc.killed) proc.kill('SIGKILL');
        });
        proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
        proc.on('exit', (_code, signal) => resolve({ out, signal }));
      });

    const first = await run(count / 4);
    expect(first.signal).toBe('SIGKILL');
    expect(first.out).toContain('USABLE 20');

    // Each batch and the range it moved were committed together: converted rows end exactly where the range says.
    const db = new DatabaseSync(f, { readOnly: true });
    const from = Number((db.prepare("SELECT value FROM state WHERE key = 'labels_from'").get() as { value: string }).value);
    const converted = (db.prepare("SELECT count(*) AS n FROM sends WHERE label <> ''").get() as { n: number }).n;
    const behind = (
      db.prepare("SELECT count(*) AS n FROM sends WHERE seq <= ? AND (label = '' OR preview <> '')").get(from) as { n: number }
    ).n;
    const ahead = (db.prepare("SELECT count(*) AS n FROM sends WHERE seq > ? AND (label <> '' OR preview = '')").get(from) as { n: number })
      .n;
    db.close();
    expect(from).toBeGreaterThanOrEqual(count / 4);
    expect(from).toBeLessThan(count);
    expect(converted).toBe(from);
    expect(behind).toBe(0);
    expect(ahead).toBe(0);
    // A row converted before the kill is marked: were it converted again, the mark would be gone.
    const marked = { to: { kind: 'chat', id: '1' }, preview: { kind: 'text', text: 'уже переведена' } };
    const write = new DatabaseSync(f);
    write.prepare("UPDATE sends SET label = ? WHERE id = 's_legacy_1'").run(JSON.stringify(marked));
    write.close();

    const second = await run();
    expect(second.signal).toBeNull();
    expect(second.out).toContain('DONE');
    // The second start began where the first was killed.
    expect(Number(/PROGRESS (\d+)/.exec(second.out)?.[1])).toBeGreaterThan(from);

    const after = stored(f);
    expect(after.get('s_legacy_1')).toEqual(marked);
    after.delete('s_legacy_1');
    const wrong = [...after].filter(([id, label]) => {
      const w = expected(Number(id.slice('s_legacy_'.length)));
      return JSON.stringify(label) !== JSON.stringify({ to: w.to, preview: w.preview });
    });
    expect(wrong).toEqual([]);
    expect(after.size).toBe(count - 1);
  }, 120_000);
});
