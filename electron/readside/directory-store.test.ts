import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openHistory } from '../history/store.ts';
import { DirectoryStore, type DirectoryEntry } from './directory-store.ts';

function store(): DirectoryStore {
  const file = join(mkdtempSync(join(tmpdir(), 'directory-')), 'history.sqlite');
  openHistory(file).close();
  return new DirectoryStore(file);
}

const vector: DirectoryEntry = { kind: 'counterparty', target: 'box-vector', name: 'АО Вектор', detail: '7701234567', label: 'box-vector' };
const lookedUp: DirectoryEntry = {
  kind: 'organization',
  target: 'box-other',
  name: 'ООО Другое',
  detail: '7707654321',
  label: 'box-other',
};

describe('the directory between a refresh and a look-up', () => {
  it('keeps a counterparty the refresh listed when a look-up by INN stores it again before the refresh ends', () => {
    const s = store();
    s.put('a1', [vector], 1000); // the refresh that began at 1000 lists it
    s.put('a1', [vector], 0); // a look-up with an older mark
    s.sweep('a1', 1000); // the refresh ends
    expect(s.one('a1', 'diadoc', 'box-vector')?.name).toBe('АО Вектор');
  });

  it('keeps an organisation looked up during a refresh through that refresh, and lets the next one drop it', () => {
    const s = store();
    s.put('a1', [vector], 1000);
    s.put('a1', [lookedUp], 1500); // looked up while the refresh ran
    s.sweep('a1', 1000);
    expect(s.one('a1', 'diadoc', 'box-other')?.name).toBe('ООО Другое');
    s.put('a1', [vector], 2000);
    s.sweep('a1', 2000);
    expect(s.one('a1', 'diadoc', 'box-other')).toBeUndefined();
    expect(s.one('a1', 'diadoc', 'box-vector')?.name).toBe('АО Вектор');
  });

  it('finds a recipient listed again unchanged as before, and one renamed only under its new name', () => {
    const s = store();
    s.put('a1', [vector, lookedUp], 1000);
    s.put('a1', [vector, { ...lookedUp, name: 'ООО Новое' }], 2000);
    s.sweep('a1', 2000);
    expect(s.search('a1', 'diadoc', 'Вектор', 5).map((r) => r.target)).toEqual(['box-vector']);
    expect(s.search('a1', 'diadoc', 'Новое', 5).map((r) => r.target)).toEqual(['box-other']);
    expect(s.search('a1', 'diadoc', 'Другое', 5)).toEqual([]);
  });
});
