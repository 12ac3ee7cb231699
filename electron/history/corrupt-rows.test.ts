import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openHistory } from './store.ts';
import { textSend as send } from '../testing/text-send.ts';

/** A history file with five sends, then changed behind the store's back the way a hand edit or an older build might. */
function historyEditedOnDisk(edit: (db: DatabaseSync) => void): string {
  const file = join(mkdtempSync(join(tmpdir(), 'history-')), 'history.sqlite');
  const store = openHistory(file);
  for (let i = 1; i <= 5; i++) store.insertSend(send(i));
  store.close();
  const db = new DatabaseSync(file);
  edit(db);
  db.close();
  return file;
}

describe('history rows of the wrong shape on disk', () => {
  afterEach(() => vi.restoreAllMocks());

  it('leaves an unreadable row out of the page with a logged reason, and the pages still reach the end', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const file = historyEditedOnDisk((db) => {
      db.prepare(`UPDATE sends SET status = 'lost_in_space' WHERE id = 's_4'`).run();
      db.prepare(`UPDATE sends SET created_at = 'yesterday' WHERE id = 's_2'`).run();
    });
    const store = openHistory(file);
    const first = store.list({ limit: 2 });
    expect(first.items.map((s) => s.id)).toEqual(['s_5']);
    const second = store.list({ limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((s) => s.id)).toEqual(['s_3']);
    const third = store.list({ limit: 2, cursor: second.nextCursor! });
    expect(third.items.map((s) => s.id)).toEqual(['s_1']);
    expect(third.nextCursor).toBeUndefined();
    expect(store.getSummary('s_4')).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('s_4 skipped: unknown status lost_in_space'));
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('s_2 skipped: a number column is not a number'));
    store.close();
  });

  it('shows a send whose stored error is not JSON, without the error', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const file = historyEditedOnDisk((db) => db.prepare(`UPDATE sends SET status = 'failed', error = '{not json' WHERE id = 's_3'`).run());
    const store = openHistory(file);
    const summary = store.getSummary('s_3');
    expect(summary).toMatchObject({ id: 's_3', status: 'failed' });
    expect(summary).not.toHaveProperty('error');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('stored error of s_3 is unreadable'));
    store.close();
  });

  it('shows a send whose stored label is not one, by its recipient key and with no preview', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const file = historyEditedOnDisk((db) => {
      db.prepare(`UPDATE sends SET label = '{"to":{"kind":"fax","id":"1"}}' WHERE id = 's_2'`).run();
      db.prepare(`UPDATE sends SET label = 'chat 5' WHERE id = 's_4'`).run();
    });
    const store = openHistory(file);
    for (const id of ['s_2', 's_4'])
      expect(store.getSummary(id)).toMatchObject({ id, to: { kind: 'address', id: '79001234567' }, preview: { kind: 'text', text: '' } });
    expect(store.getSummary('s_3')?.preview).toEqual({ kind: 'text', text: 'Сообщение 3' });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('stored label of s_2 is unreadable'));
    store.close();
  });

  it('opens no send whose message column is garbage, and says why', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const file = historyEditedOnDisk((db) => db.prepare(`UPDATE sends SET message = '{"provider":"fax"}' WHERE id = 's_1'`).run());
    const store = openHistory(file);
    expect(store.get('s_1')).toBeUndefined();
    expect(store.get('s_5')?.message).toEqual(send(5).message);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('s_1 skipped: its message is unreadable'));
    store.close();
  });
});
