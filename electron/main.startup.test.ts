import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { electron, FakeBrowserWindow, recorded, resetDouble } from './testing/electron-double.ts';

// main.ts's start-up against the recording double of Electron: each case is a fresh process.
vi.mock('electron', async () => (await import('./testing/electron-double.ts')).electron);
vi.mock('electron-store', async () => await import('./testing/electron-store-double.ts'));

// Evaluates the mock now, so every later fresh module graph gets this same double.
await import('electron');

const dirs: string[] = [];
afterEach(() => {
  vi.doUnmock('./host.ts');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Prepares a data folder, then starts main.ts in a fresh module graph against a fresh double. */
async function startWith(prepare: (dataDir: string) => void) {
  const dataDir = mkdtempSync(join(tmpdir(), 'operator-start-'));
  dirs.push(dataDir);
  resetDouble();
  prepare(dataDir);
  process.env.OPERATOR_DATA_DIR = dataDir;
  vi.resetModules();
  await import('./main.ts');
  electron.becomeReady();
  return { dataDir, logFile: join(dataDir, 'logs', 'operator-console.log') };
}

function writeHistory(dataDir: string, userVersion: number): string {
  const file = join(dataDir, 'history.sqlite');
  const db = new DatabaseSync(file);
  db.exec(`PRAGMA journal_mode = WAL; CREATE TABLE future (x); PRAGMA user_version = ${userVersion};`);
  db.close();
  return file;
}

describe('a start that fails ends in a dialog naming the cause, then quits', () => {
  it('refuses a history written by a newer version and leaves it untouched', async () => {
    let file = '';
    let before = '';
    const { dataDir, logFile } = await startWith((dir) => {
      file = writeHistory(dir, 99);
      before = digest(file);
    });
    await vi.waitFor(() => expect(recorded.quitCalls).toBe(1));

    expect(recorded.dialogs).toHaveLength(1);
    const shown = recorded.dialogs[0]!.options;
    expect(shown.type).toBe('error');
    expect(shown.title).toBe('Operator Console не запустилась');
    expect(shown.message).toContain('более новой версией приложения (схема 99');
    expect(shown.detail).toContain(dataDir);
    expect(shown.detail).toContain(logFile);
    expect(shown.buttons).toEqual(['Открыть папку данных', 'Выйти']);
    expect(FakeBrowserWindow.created.filter((w) => !w.destroyed)).toHaveLength(0);
    expect(digest(file)).toBe(before);
    expect(recorded.lockReleased).toBe(1);
    expect(readFileSync(logFile, 'utf8')).toMatch(/ERROR app\.start_failed .*history_newer/);
  });

  it('never overwrites a damaged history, and speaks the operator’s saved language', async () => {
    let file = '';
    const garbage = Buffer.from('SQLite format 3\0'.padEnd(4096, '\u00ff'), 'latin1');
    const { dataDir } = await startWith((dir) => {
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ language: 'en' }));
      file = join(dir, 'history.sqlite');
      writeFileSync(file, garbage);
    });
    await vi.waitFor(() => expect(recorded.quitCalls).toBe(1));

    const shown = recorded.dialogs[0]!.options;
    expect(shown.title).toBe('Operator Console could not start');
    expect(shown.message).toBe(
      'The send history file is damaged and cannot be opened. It was left as it was: keep a copy of it for support before changing anything.',
    );
    expect(shown.detail).toContain(`Data folder: ${dataDir}`);
    expect(readFileSync(file).equals(garbage)).toBe(true);
  });

  it('shows an unexpected failure of the services too, and opens the data folder when asked', async () => {
    vi.doMock('./host.ts', () => ({ createHost: () => Promise.reject(new Error('the disk said no')) }));
    const { dataDir, logFile } = await startWith(() => {});
    recorded.dialogAnswers.push(0);
    await vi.waitFor(() => expect(recorded.quitCalls).toBe(1));

    expect(recorded.dialogs[0]!.options.message).toBe('Непредвиденная ошибка при запуске. Подробности — в журнале.');
    expect(recorded.openedPaths).toEqual([dataDir]);
    expect(readFileSync(logFile, 'utf8')).toContain('the disk said no');
  });
});

describe('a damaged settings file', () => {
  it('is kept aside under a new name; the app starts with defaults and says so', async () => {
    const truncated = '{"language":"en","accounts":[{"id":"a1","name":"Pach';
    const { dataDir } = await startWith((dir) => writeFileSync(join(dir, 'config.json'), truncated));
    await vi.waitFor(() => expect(recorded.dialogs).toHaveLength(1));

    const [win] = FakeBrowserWindow.created;
    expect(win?.loadedUrl).toBeDefined();
    const shown = recorded.dialogs[0]!;
    expect(shown.parent).toBe(win);
    expect(shown.options.type).toBe('warning');
    const kept = readdirSync(dataDir).filter((f) => f.startsWith('config.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(dataDir, kept[0]!), 'utf8')).toBe(truncated);
    expect(shown.options.detail).toContain(kept[0]);
    expect(recorded.quitCalls).toBe(0);
    expect(existsSync(join(dataDir, 'history.sqlite'))).toBe(true);
  });
});

describe('the data folder', () => {
  it('is set as userData before Electron is ready, so Chromium’s storage follows it', async () => {
    const { dataDir } = await startWith(() => {});
    await vi.waitFor(() => expect(FakeBrowserWindow.created[0]?.loadedUrl).toBeDefined());
    expect(recorded.paths).toEqual([{ name: 'userData', path: dataDir, beforeReady: true }]);
  });
});

describe('the window’s size and place', () => {
  const stateFile = (dir: string) => join(dir, 'window-state.json');

  it('are saved on close and restored, maximised included, on the next start', async () => {
    const { dataDir } = await startWith((dir) =>
      writeFileSync(stateFile(dir), JSON.stringify({ x: 200, y: 120, width: 1100, height: 700, maximized: true })),
    );
    await vi.waitFor(() => expect(FakeBrowserWindow.created[0]?.loadedUrl).toBeDefined());
    const win = FakeBrowserWindow.created[0]!;
    expect(win.options).toMatchObject({ x: 200, y: 120, width: 1100, height: 700 });
    expect(win.isMaximized()).toBe(true);

    win.maximized = false;
    win.normalBounds = { x: 300, y: 150, width: 1000, height: 650 };
    win.emit('close');
    expect(JSON.parse(readFileSync(stateFile(dataDir), 'utf8'))).toEqual({ x: 300, y: 150, width: 1000, height: 650, maximized: false });
  });

  it('are pulled back onto the primary screen when the monitor the window was on is gone', async () => {
    await startWith((dir) => {
      writeFileSync(stateFile(dir), JSON.stringify({ x: 2400, y: 100, width: 1200, height: 800, maximized: false }));
      recorded.displays = [{ x: 0, y: 0, width: 1366, height: 728 }];
    });
    await vi.waitFor(() => expect(FakeBrowserWindow.created[0]?.loadedUrl).toBeDefined());
    expect(FakeBrowserWindow.created[0]!.options).toMatchObject({ x: 83, y: 0, width: 1200, height: 728 });
  });

  it('start at the default size when nothing readable was saved', async () => {
    await startWith((dir) => writeFileSync(stateFile(dir), '{"x": "left"}'));
    await vi.waitFor(() => expect(FakeBrowserWindow.created[0]?.loadedUrl).toBeDefined());
    expect(FakeBrowserWindow.created[0]!.options).toMatchObject({ width: 1280, height: 820 });
    expect(FakeBrowserWindow.created[0]!.options.x).toBeUndefined();
  });
});
