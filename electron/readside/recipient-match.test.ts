import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { seedDirectory } from '../../bench/directory.ts';
import { buildIndex, markUsed, searchIndex } from '../../renderer/recipients/directory-index.ts';
import { foldsExactly, words } from '../../shared/recipient-match.ts';
import type { DirectorySnapshot } from '../../shared/recipients.ts';
import { openHistory } from '../history/store.ts';
import { DirectoryStore, type DirectoryEntry } from './directory-store.ts';

function store(): DirectoryStore {
  const file = join(mkdtempSync(join(tmpdir(), 'recipient-match-')), 'history.sqlite');
  openHistory(file).close();
  return new DirectoryStore(file);
}

/** The picker's copy as the host hands it over, a page at a time (small pages, to cross their seams). */
function copyOf(s: DirectoryStore, account: string) {
  const pages: DirectorySnapshot[] = [];
  let after: number | undefined;
  do {
    const page: DirectorySnapshot = {
      revision: s.revision(account),
      provider: 'market',
      directory: { state: 'ready', count: s.count(account) },
      byName: after === undefined ? s.firstByName(account, 'market', 100).map(({ accountId: _a, provider: _p, ...r }) => r) : [],
      ...s.snapshotPage(account, after ?? 0, 700),
    };
    pages.push(page);
    after = page.next;
  } while (after !== undefined);
  return buildIndex(account, pages);
}

const entry = (target: string, name: string, detail: string, kind: DirectoryEntry['kind'] = 'chat'): DirectoryEntry => ({
  kind,
  target,
  name,
  detail,
  label: `chat ${target}`,
});

/** Rows that test the folding: ё and е, accents, case, phones and INN/KPP, names that differ only in order. */
const tricky: DirectoryEntry[] = [
  entry('t-1', 'Пётр Ёлкин', '45000111 · NEW'),
  entry('t-2', 'Петр Елкин', '45000222 · FINISHED'),
  entry('t-3', 'Café Zoë', '+7 (901) 234-56-78', 'contact'),
  entry('t-4', 'АО Вектор', 'ИНН 7701234567 / КПП 770101001', 'counterparty'),
  entry('t-5', 'ООО «Вектор-Плюс»', 'ИНН 7707654321', 'organization'),
  entry('t-6', 'ЁЖИК', '79012345678', 'contact'),
  entry('t-7', 'ежик', '79012349999', 'contact'),
  entry('t-8', '', '45000333 · NEW'),
  entry('t-9', 'Zoe Cafe', 'Straße 5'),
  entry('t-10', 'Ǡdam ſam µ', 'x'),
  entry('t-11', 'Άλφα Ωmega', 'y'),
];

const queries = [
  '',
  'а',
  'ив',
  'мар',
  'Мария',
  'мария смирнова',
  'Петр',
  'пётр',
  'ёлкин',
  'елк',
  'ЕЖ',
  'ёж',
  'cafe',
  'CAFÉ',
  'zoë',
  'strasse',
  'straße',
  'вектор',
  'вектор плюс',
  '7701234567',
  '7701234567 770101001',
  '7701234567/770101001',
  '+7 901',
  '+7 (901) 234',
  '7901',
  '45000',
  '45000370',
  '4503703',
  'NEW',
  'finished',
  't-1',
  'чат',
  'нетакого',
  '  ',
  'ǡdam',
  'adam',
  'sam',
  'μ',
  'άλφα',
  'αλφα',
  'ωm',
];

describe('the picker’s search over its copy of the directory', () => {
  it('answers every query exactly as the host’s index does, recent recipients first', () => {
    const s = store();
    seedDirectory(s, 'a1', 3000, 1);
    s.put('a1', tricky, 1);
    for (let i = 0; i < 25; i++) s.markUsed('a1', String(7_000_000 + i * 97), `chat ${7_000_000 + i * 97}`, 1000 + (i % 7));
    s.markUsed('a1', 't-2', 'chat t-2', 5000);
    const copy = copyOf(s, 'a1');
    expect(copy.folds).toBe(false); // Ǡ and Greek: SQLite's tables have quirks there that are not copied
    expect(searchIndex(copy, 'мария', 8).exact).toBe(false);
    for (const q of queries)
      for (const limit of [8, 20, 50]) {
        const host = s.search('a1', 'market', q, limit);
        expect(searchIndex(copy, q, limit).items, `"${q}" limit ${limit}`).toEqual(host);
      }
  });

  it('finds Пётр by Петр and Ёлкин by елк, which the index alone does not', () => {
    const s = store();
    s.put('a1', tricky, 1);
    const copy = copyOf(s, 'a1');
    const names = (q: string) => s.search('a1', 'market', q, 20).map((r) => r.name);
    expect(names('Петр')).toEqual(['Петр Елкин', 'Пётр Ёлкин']);
    expect(names('елк')).toEqual(['Петр Елкин', 'Пётр Ёлкин']);
    // The name written exactly as typed comes first, as the host orders it.
    expect(searchIndex(copy, 'ежик', 20).items.map((r) => r.name)).toEqual(['ежик', 'ЁЖИК']);
    expect(searchIndex(copy, 'ЁЖИК', 20).items.map((r) => r.name)).toEqual(['ЁЖИК', 'ежик']);
  });

  it('says its answer is the host’s when every row folds as the host’s index does, and not for text that may not', () => {
    const s = store();
    seedDirectory(s, 'a1', 500, 1);
    s.put('a1', tricky.slice(0, 9), 1);
    const copy = copyOf(s, 'a1');
    expect(copy.folds && copy.whole && copy.consistent).toBe(true);
    expect(searchIndex(copy, 'мария', 8).exact).toBe(true);
    expect(searchIndex(copy, '日本', 8).exact).toBe(true);
    expect(searchIndex(copy, 'άλφα', 8).exact).toBe(false);
    // Nothing here has this INN, but the provider may: the host asks it, so the copy's "nothing" is not the answer.
    expect(searchIndex(copy, '7712345678', 8)).toEqual({ items: [], exact: false });
    expect(searchIndex(copy, 'нетакого', 8)).toEqual({ items: [], exact: true });
  });

  it('is not the host’s answer when the directory changed between two of its pages', () => {
    const s = store();
    seedDirectory(s, 'a1', 1500, 1);
    const first = {
      revision: s.revision('a1'),
      provider: 'market' as const,
      directory: { state: 'ready' as const, count: 1500 },
      byName: [],
    };
    const page1 = { ...first, ...s.snapshotPage('a1', 0, 1000) };
    s.markUsed('a1', '7000001', 'chat 7000001', 99);
    const page2 = { ...first, revision: s.revision('a1'), ...s.snapshotPage('a1', page1.next!, 1000) };
    const copy = buildIndex('a1', [page1, page2]);
    expect(copy.whole).toBe(true);
    expect(copy.consistent).toBe(false);
    expect(searchIndex(copy, 'мария', 8).exact).toBe(false);
  });

  it('knows a copy is behind: every write to the directory gives it a new revision', () => {
    const s = store();
    const seen = new Set([s.revision('a1')]);
    s.put('a1', tricky, 1);
    seen.add(s.revision('a1'));
    s.markUsed('a1', 't-1', 'chat t-1', 10);
    seen.add(s.revision('a1'));
    s.put('a1', [entry('t-99', 'Новый', '')], 2);
    seen.add(s.revision('a1'));
    s.sweep('a1', 2);
    seen.add(s.revision('a1'));
    expect(seen.size).toBe(5);
  });

  it('marks a recipient just written to in the copy itself, answering as the host then does', () => {
    const s = store();
    seedDirectory(s, 'a1', 2000, 1);
    s.markUsed('a1', '7000500', 'chat 7000500', 100);
    const copy = copyOf(s, 'a1');
    s.markUsed('a1', '7000777', 'chat 7000777', 200);
    const marked = markUsed(copy, s.revision('a1'), { target: '7000777', at: 200 })!;
    expect(marked.revision).toBe(s.revision('a1'));
    for (const q of ['', 'мари', 'Иван', '7000777', '45'])
      expect(searchIndex(marked, q, 8).items, `"${q}"`).toEqual(s.search('a1', 'market', q, 8));
    // Two writes on, or a recipient the copy does not hold: it cannot tell what else changed.
    s.markUsed('a1', '7000100', 'chat 7000100', 300);
    s.markUsed('a1', '7000101', 'chat 7000101', 301);
    expect(markUsed(marked, s.revision('a1'), { target: '7000101', at: 301 })).toBeUndefined();
    s.markUsed('a1', 'not-listed', 'chat not-listed', 400);
    const later = copyOf(s, 'a1');
    s.markUsed('a1', 'new-one', 'chat new-one', 500);
    expect(markUsed(later, s.revision('a1'), { target: 'new-one', at: 500 })).toBeUndefined();
  });

  it('keeps the revision when a refresh lists what the directory already holds, so no copy is fetched again for it', () => {
    const s = store();
    s.put('a1', tricky, 1);
    const before = s.revision('a1');
    s.put('a1', tricky, 2);
    expect(s.revision('a1')).toBe(before);
    s.put('a1', [{ ...tricky[0]!, name: 'Пётр Ёлкин-Старший' }], 3);
    expect(s.revision('a1')).not.toBe(before);
  });
});

describe('the words of the directory', () => {
  it('are folded as SQLite’s unicode61 tokenizer folds them, for every character it claims to fold alike', () => {
    const db = new DatabaseSync(':memory:');
    db.exec(
      "CREATE VIRTUAL TABLE f USING fts5(x, tokenize='unicode61 remove_diacritics 2'); CREATE VIRTUAL TABLE v USING fts5vocab(f, 'instance');",
    );
    const insert = db.prepare('INSERT INTO f(rowid, x) VALUES (?, ?)');
    const checked: number[] = [];
    for (let cp = 0x20; cp < 0x10000; cp++) if (foldsExactly(String.fromCodePoint(cp))) checked.push(cp);
    db.exec('BEGIN');
    for (const cp of checked) insert.run(cp, `q${String.fromCodePoint(cp)}q Ab${String.fromCodePoint(cp)}`);
    db.exec('COMMIT');
    const sqlite = new Map<number, string[]>();
    for (const r of db.prepare('SELECT term, doc FROM v ORDER BY doc, offset').all()) {
      const list = sqlite.get(Number(r.doc)) ?? [];
      list.push(String(r.term));
      sqlite.set(Number(r.doc), list);
    }
    const differ = checked.filter(
      (cp) => words(`q${String.fromCodePoint(cp)}q Ab${String.fromCodePoint(cp)}`).join(' ') !== (sqlite.get(cp) ?? []).join(' '),
    );
    expect(checked.length).toBeGreaterThan(50_000);
    expect(differ.map((cp) => `U+${cp.toString(16)}`)).toEqual([]);
  });
});
