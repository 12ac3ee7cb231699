import { describe, expect, it } from 'vitest';
import type { DirectorySnapshot, RecipientSearchResult } from '../../shared/recipients.ts';
import { buildIndex, searchIndex } from './directory-index.ts';
import { pickerOptions } from './picker-options.ts';

/** A Market directory as the host hands it over, in two pages. */
const page = (rows: [string, string, string][], rest: Partial<DirectorySnapshot> = {}): DirectorySnapshot => ({
  revision: 'r1.7',
  provider: 'market',
  directory: { state: 'ready', count: 4, refreshedAt: 1 },
  targets: rows.map((r) => r[0]),
  kinds: '0'.repeat(rows.length),
  names: rows.map((r) => r[1]),
  details: rows.map((r) => r[2]),
  used: [],
  byName: [],
  ...rest,
});
const copy = buildIndex('acc', [
  page(
    [
      ['901', 'Мария Смирнова', '45000037 · NEW'],
      ['902', 'Пётр Иванов', '45000074 · FINISHED'],
    ],
    { next: 2 },
  ),
  page(
    [
      ['903', 'Марина Козлова', '45000111 · NEW'],
      ['904', 'Иван Петров', '79101234567'],
    ],
    { used: [[0, 500]] },
  ),
]);
const names = (items: { name: string }[]) => items.map((r) => r.name);
const hostAnswer = (items: RecipientSearchResult['items']): RecipientSearchResult => ({
  items,
  directory: { state: 'ready', count: 4 },
  revision: 'r1.7',
});

describe('what the picker lists on a keystroke', () => {
  it('lists the copy’s matches in the keystroke’s own render, recent first, and calls them the answer while the copy is current', () => {
    const local = searchIndex(copy, 'мари', 8);
    expect(names(local.items)).toEqual(['Марина Козлова', 'Мария Смирнова']);
    expect(local.items[0]!.lastUsedAt).toBe(500);
    expect(pickerOptions({ host: undefined, hostIsForText: false, local, copyCurrent: true })).toEqual({
      items: local.items,
      answered: true,
    });
  });

  it('finds an order number, a phone typed with separators, and Пётр typed with е', () => {
    expect(names(searchIndex(copy, '45000074', 8).items)).toEqual(['Пётр Иванов']);
    expect(names(searchIndex(copy, '+7 910 123', 8).items)).toEqual(['Иван Петров']);
    expect(names(searchIndex(copy, 'петр', 8).items)).toEqual(['Иван Петров', 'Пётр Иванов']);
  });

  it('marks the copy’s matches as standing in while the copy is behind the host, until the host answers', () => {
    const local = searchIndex(copy, 'мари', 8);
    const standing = pickerOptions({ host: undefined, hostIsForText: false, local, copyCurrent: false });
    expect(standing).toEqual({ items: local.items, answered: false });
    const host = hostAnswer([{ ...local.items[1]!, lastUsedAt: 900 }, local.items[0]!]);
    expect(pickerOptions({ host, hostIsForText: true, local, copyCurrent: false })).toEqual({ items: host.items, answered: true });
  });

  it('keeps the previous answer on screen, marked as standing in, when there is no copy', () => {
    const previous = hostAnswer(searchIndex(copy, 'м', 8).items);
    expect(pickerOptions({ host: previous, hostIsForText: false, local: undefined, copyCurrent: false })).toEqual({
      items: previous.items,
      answered: false,
    });
  });

  it('knows the copy is whole when the directory ends on a page boundary (an empty last page)', () => {
    const rows: [string, string, string][] = [['901', 'Мария Смирнова', '45000037 · NEW']];
    const ix = buildIndex('acc', [page(rows, { next: 1 }), page([])], 1);
    expect(ix.whole).toBe(true);
    expect(searchIndex(ix, 'мари', 8).exact).toBe(true);
  });

  it('does not answer from a copy the host has not finished handing over', () => {
    const first = buildIndex('acc', [page([['901', 'Мария Смирнова', '45000037 · NEW']], { next: 1 })]);
    expect(searchIndex(first, 'мари', 8)).toMatchObject({ exact: false });
  });
});
