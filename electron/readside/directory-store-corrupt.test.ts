import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openHistory } from '../history/store.ts';
import { DirectoryStore } from './directory-store.ts';

/** The history file the directory lives in, with its tables made by the history's migrations. */
function historyFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'directory-')), 'history.sqlite');
  openHistory(file).close();
  return file;
}

function edit(file: string, sql: string): void {
  const db = new DatabaseSync(file);
  db.exec(sql);
  db.close();
}

describe('directory rows of the wrong shape on disk', () => {
  afterEach(() => vi.restoreAllMocks());

  it('leaves an unreadable recipient out of the picker with a logged reason and lists the rest', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const file = historyFile();
    const store = new DirectoryStore(file);
    store.put(
      'a1',
      [
        { kind: 'chat', target: '1', name: 'Бухгалтерия', detail: '', label: 'chat 1' },
        { kind: 'chat', target: '2', name: 'Бэк-офис', detail: '', label: 'chat 2' },
      ],
      1,
    );
    edit(file, `UPDATE recipients SET kind = 'pigeon' WHERE target = '2'`);
    expect(store.search('a1', 'pachca', '', 10).map((r) => r.name)).toEqual(['Бухгалтерия']);
    expect(store.one('a1', 'pachca', '2')).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('recipient row of a1 is unreadable'));
    store.close();
  });

  it('treats a stored conversation that is not JSON as none, so the pane reads it again', () => {
    const file = historyFile();
    const store = new DirectoryStore(file);
    store.putConversation('a1', '1', 1000, [{ id: 'm1', at: 1000, author: 'Анна', own: false, text: 'Привет', files: [] }]);
    expect(store.conversation('a1', '1')?.items).toHaveLength(1);
    edit(file, `UPDATE conversations SET items = '[{"id":' WHERE target = '1'`);
    expect(store.conversation('a1', '1')).toBeUndefined();
    store.close();
  });
});
