import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import type { ProviderId } from '../../shared/providers.ts';
import { ftsQuery } from './fts-query.ts';
import { migrations } from './migrations.ts';
import { seedHistory } from './seed.ts';
import { openHistory } from './store.ts';
import { T0, textSend as send } from '../testing/text-send.ts';
import type { HistoryStore } from './types.ts';

const file = () => join(mkdtempSync(join(tmpdir(), 'history-')), 'history.sqlite');
function all(store: HistoryStore, q: Omit<Parameters<HistoryStore['list']>[0], 'limit' | 'cursor'> = {}, limit = 7): string[] {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = store.list({ ...q, limit, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.map((s) => s.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

describe('the history store', () => {
  it('keeps a send, its attempts with exchanges, and its final status', () => {
    const store = openHistory(file());
    store.insertSend(send(1, { groupId: 'g1', scheduledAt: T0 + 5 }));
    expect(store.startAttempt('s_1', 1, T0 + 10)).toBe(true);
    const exchange = {
      method: 'POST',
      url: 'https://api.green-api.com/v1/messages',
      requestHeaders: { authorization: 'Bearer ‹redacted›' },
      requestBody: '{}',
      status: 201,
      responseHeaders: {},
      responseBody: '{"messages":[{"id":"77"}]}',
      startedAt: T0 + 10,
      durationMs: 3,
    };
    store.finishAttempt(
      's_1',
      1,
      { endedAt: T0 + 13, outcome: 'sent', exchanges: [exchange] },
      { patch: { status: 'sent', updatedAt: T0 + 13, providerMessageId: '77', error: null }, from: ['sending'] },
    );
    const got = store.get('s_1')!;
    expect(got.summary).toMatchObject({
      status: 'sent',
      providerMessageId: '77',
      attemptCount: 1,
      groupId: 'g1',
      scheduledAt: T0 + 5,
      updatedAt: T0 + 13,
    });
    expect(got.summary.error).toBeUndefined();
    expect(got.attempts).toEqual([{ n: 1, startedAt: T0 + 10, endedAt: T0 + 13, outcome: 'sent', exchanges: [exchange] }]);
    expect(got.operationId).toBe('op_1');
    expect(got.message).toEqual(send(1).message);
    store.close();
  });

  it('pages newest first and returns every row exactly once while new rows arrive', () => {
    const store = openHistory(file());
    for (let i = 0; i < 30; i++) store.insertSend(send(i));
    const first = store.list({ limit: 10 });
    expect(first.items.map((s) => s.id)).toEqual(Array.from({ length: 10 }, (_, k) => `s_${29 - k}`));
    for (let i = 30; i < 35; i++) store.insertSend(send(i));
    const rest = all(store, {}, 10);
    const seen = first.items.map((s) => s.id);
    let cursor = first.nextCursor;
    while (cursor) {
      const p = store.list({ limit: 10, cursor });
      seen.push(...p.items.map((s) => s.id));
      cursor = p.nextCursor;
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    expect(rest).toHaveLength(35);
    store.close();
  });

  it('combines filters: provider, account, statuses, recipient and a date range', () => {
    const store = openHistory(file());
    const providers: ProviderId[] = ['pachca', 'market', 'greenapi'];
    for (let i = 0; i < 60; i++) store.insertSend(send(i, { provider: providers[i % 3]!, accountId: `a${i % 2}`, recipient: `r${i % 4}` }));
    for (let i = 0; i < 60; i += 5) store.updateSend(`s_${i}`, { status: 'failed', updatedAt: T0 }, ['pending']);
    const ids = all(store, { provider: 'market', accountId: 'a1', statuses: ['pending'], from: T0 + 10 * 60_000, to: T0 + 40 * 60_000 });
    const expected = Array.from({ length: 60 }, (_, i) => i)
      .filter((i) => i % 3 === 1 && i % 2 === 1 && i % 5 !== 0 && i >= 10 && i <= 40)
      .reverse()
      .map((i) => `s_${i}`);
    expect(ids).toEqual(expected);
    expect(all(store, { recipient: 'r2', statuses: ['failed', 'pending'] })).toEqual(
      Array.from({ length: 60 }, (_, i) => i)
        .filter((i) => i % 4 === 2)
        .reverse()
        .map((i) => `s_${i}`),
    );
    expect(store.list({ limit: 5, from: T0 + 1000 * 60_000 }).items).toEqual([]);
    store.close();
  });

  it('finds sends by a Russian word, an English word, a half-typed word and the recipient', () => {
    const store = openHistory(file());
    store.insertSend(send(1, { text: 'Здравствуйте! Ваш заказ №42 отправлен' }));
    store.insertSend(send(2, { text: 'Your order has been delivered', recipient: '79990000000' }));
    store.insertSend(send(3, { text: 'Заказы за ноябрь', searchText: 'Заказы за ноябрь invoice.pdf' }));
    const ids = (text: string) => store.list({ limit: 10, text }).items.map((s) => s.id);
    expect(ids('заказ')).toEqual(['s_3', 's_1']);
    expect(ids('ЗДРАВСТВУЙТЕ')).toEqual(['s_1']);
    expect(ids('delivered')).toEqual(['s_2']);
    expect(ids('deliv')).toEqual(['s_2']);
    expect(ids('invoice')).toEqual(['s_3']);
    expect(ids('79990000000')).toEqual(['s_2']);
    expect(ids('заказ отправлен')).toEqual(['s_1']);
    for (const odd of ['"', 'AND', '-', 'order -', 'NEAR(', '*', "'; DROP TABLE sends; --", '']) expect(() => ids(odd)).not.toThrow();
    expect(ids('AND')).toEqual([]);
    store.close();
  });

  it('indexes in batches, yet a search right after a send finds it, also after a reopen', () => {
    const f = file();
    const a = openHistory(f);
    a.insertSend(send(1, { text: 'Срочная доставка кумквата' }));
    expect(a.list({ limit: 5, text: 'кумквата' }).items.map((s) => s.id)).toEqual(['s_1']);
    a.insertSend(send(2, { text: 'Ещё кумкват' }));
    a.close();
    const b = openHistory(f);
    expect(b.list({ limit: 5, text: 'ещё' }).items.map((s) => s.id)).toEqual(['s_2']);
    expect(b.list({ limit: 5, text: 'кумкв' }).items.map((s) => s.id)).toEqual(['s_2', 's_1']);
    b.close();
  });

  it('quotes every word of a search so FTS5 syntax is just text', () => {
    expect(ftsQuery('order AND "x" NEAR')).toBe('"order" AND "and" AND "x" AND "near"*');
    expect(ftsQuery('за')).toBe('"за"*');
    expect(ftsQuery('заказ', () => ['заказ', 'заказы'])).toBe('("заказ" OR "заказы")');
    expect(ftsQuery('!!!')).toBeUndefined();
  });

  it('keeps state and everything else across a reopen', () => {
    const f = file();
    const a = openHistory(f);
    a.insertSend(send(1));
    a.setState('rate:market', '{"sent":[1]}');
    a.close();
    const b = openHistory(f);
    expect(b.getSummary('s_1')?.status).toBe('pending');
    expect(b.getState('rate:market')).toBe('{"sent":[1]}');
    b.setState('rate:market', '');
    expect(b.getState('rate:market')).toBeUndefined();
    expect(b.unfinished().map((s) => s.summary.id)).toEqual(['s_1']);
    b.close();
  });

  it('opens a database made by the previous schema version, with its rows searchable', () => {
    const f = file();
    const old = new DatabaseSync(f);
    migrations[0]!(old);
    old.exec('PRAGMA user_version = 1');
    old
      .prepare(
        `INSERT INTO sends (id, provider, account_id, account_name, sandbox, status, recipient, preview, search_text, message, operation_id, created_at, updated_at)
       VALUES ('s_old', 'market', 'a1', 'Market', 0, 'sent', 'chat 5', 'Старое сообщение', 'Старое сообщение о возврате', '{"provider":"market","businessId":"1","chatId":"5","kind":"text","text":"Старое"}', 'op', 1, 1)`,
      )
      .run();
    old.close();
    const store = openHistory(f);
    expect(store.getSummary('s_old')).toMatchObject({
      status: 'sent',
      provider: 'market',
      to: { kind: 'chat', id: '5' },
      preview: { kind: 'text', text: 'Старое сообщение' },
    });
    expect(store.list({ limit: 5, text: 'возврате' }).items.map((s) => s.id)).toEqual(['s_old']);
    expect(store.list({ limit: 5, text: 'возвр' }).items.map((s) => s.id)).toEqual(['s_old']);
    store.close();
    const db = new DatabaseSync(f);
    expect((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(migrations.length);
    expect((db.prepare("SELECT count(*) AS n FROM pragma_table_info('sends') WHERE name = 'search_text'").get() as { n: number }).n).toBe(
      1,
    );
    expect((db.prepare("SELECT value FROM state WHERE key = 'fts_upto'").get() as { value: string }).value).toBe('1');
    db.close();
  });

  it('reads the English recipients and previews an older version stored back into data, and still finds those sends', () => {
    const f = file();
    const old = new DatabaseSync(f);
    for (const step of migrations.slice(0, 8)) step(old);
    old.exec('PRAGMA user_version = 8');
    const row = old.prepare(
      `INSERT INTO sends (id, provider, account_id, account_name, sandbox, status, recipient, preview, search_text, message, operation_id, created_at, updated_at)
       VALUES (?, ?, 'a1', 'A', 0, 'sent', ?, ?, ?, ?, 'op', ?, ?)`,
    );
    const rows = [
      [
        's_pachca',
        'pachca',
        'chat 334',
        'Счёт за ноябрь',
        'Счёт за ноябрь',
        { provider: 'pachca', entityType: 'discussion', entityId: 334, content: 'Счёт за ноябрь' },
      ],
      [
        's_files',
        'pachca',
        'user 7',
        '📎 акт.pdf 📎 счёт 12.pdf',
        'акт.pdf счёт 12.pdf',
        { provider: 'pachca', entityType: 'user', entityId: 7, content: ' ', files: ['f_aaaaaaaa', 'f_bbbbbbbb'] },
      ],
      [
        's_market',
        'market',
        'chat 42',
        '📎 file',
        '',
        { provider: 'market', businessId: '1', chatId: '42', kind: 'file', file: 'f_cccccccc' },
      ],
      [
        's_clip',
        'market',
        'chat 43',
        '📎 это текст, а не файл',
        '📎 это текст, а не файл',
        { provider: 'market', businessId: '1', chatId: '43', kind: 'text', text: '📎 это текст, а не файл' },
      ],
      [
        's_diadoc',
        'diadoc',
        'box-2@diadoc.ru',
        '3 documents: Акт за май · console-42 · dogovor.pdf',
        'Акт за май console-42 dogovor.pdf',
        { provider: 'diadoc', fromBoxId: 'b1', toBoxId: 'box-2@diadoc.ru', documents: [] },
      ],
      [
        's_wa',
        'greenapi',
        '79001234567@c.us',
        'Добрый день! 3 documents: это текст оператора',
        'Добрый день! 3 documents: это текст оператора',
        { provider: 'greenapi', recipientType: 'individual', to: '79001234567', text: '…' },
      ],
    ] as const;
    rows.forEach(([id, provider, recipient, preview, words, message], i) =>
      row.run(id, provider, recipient, preview, words, JSON.stringify(message), i + 1, i + 1),
    );
    old.close();

    const store = openHistory(f);
    const label = (id: string) => {
      const s = store.getSummary(id);
      return { recipient: s?.recipient, to: s?.to, preview: s?.preview };
    };
    const readAsData = () => {
      expect(label('s_pachca')).toEqual({
        recipient: 'chat 334',
        to: { kind: 'chat', id: '334' },
        preview: { kind: 'text', text: 'Счёт за ноябрь' },
      });
      expect(label('s_files')).toEqual({
        recipient: 'user 7',
        to: { kind: 'user', id: '7' },
        preview: { kind: 'files', count: 2, names: ['акт.pdf', 'счёт 12.pdf'] },
      });
      expect(label('s_market').preview).toEqual({ kind: 'files', count: 1, names: [] });
      expect(label('s_clip').preview).toEqual({ kind: 'text', text: '📎 это текст, а не файл' });
      expect(label('s_diadoc')).toEqual({
        recipient: 'box-2@diadoc.ru',
        to: { kind: 'box', id: 'box-2@diadoc.ru' },
        preview: { kind: 'documents', count: 3, names: ['Акт за май', 'console-42', 'dogovor.pdf'] },
      });
      expect(label('s_wa')).toEqual({
        recipient: '79001234567@c.us',
        to: { kind: 'address', id: '79001234567@c.us' },
        preview: { kind: 'text', text: 'Добрый день! 3 documents: это текст оператора' },
      });
    };
    // Before the conversion has run, through the parser the pages read every row with; and after it, from the stored data.
    expect(store.legacyLabelProgress()).toEqual({ done: 0, total: 6 });
    readAsData();
    expect(store.convertLegacyLabels(4)).toEqual({ done: 4, total: 6 });
    readAsData();
    expect(store.convertLegacyLabels(4)).toBeUndefined();
    expect(store.legacyLabelProgress()).toBeUndefined();
    readAsData();
    const ids = (text: string) => store.list({ limit: 10, text }).items.map((s) => s.id);
    expect(ids('ноябрь')).toEqual(['s_pachca']);
    expect(ids('334')).toEqual(['s_pachca']);
    expect(ids('dogovor')).toEqual(['s_diadoc']);
    expect(ids('акт')).toEqual(['s_diadoc', 's_files']);
    expect(store.list({ limit: 10, recipient: 'chat 42' }).items.map((s) => s.id)).toEqual(['s_market']);
    // A send made after the upgrade is found by its words too, and its preview's words are not English.
    store.insertSend(send(7, { text: 'Новый счёт', recipient: '79005550101' }));
    expect(ids('счёт')).toEqual(['s_7', 's_files', 's_pachca']);
    store.close();
    const db = new DatabaseSync(f);
    expect(db.prepare("SELECT id FROM sends WHERE label = ''").all()).toEqual([]);
    db.close();
  });

  it('a search with words and filters finds exactly what the words alone find, filtered, whichever side drives it', () => {
    const f = file();
    seedHistory(f, 4000, { until: T0 });
    const store = openHistory(f);
    const byId = new Map(all(store, {}, 500).map((id) => [id, store.getSummary(id)!]));
    const oneRecipient = [...byId.values()].find((s) => s.provider === 'greenapi')!.recipient;
    const queries: Parameters<HistoryStore['list']>[0][] = [
      { text: 'заказ', recipient: oneRecipient, limit: 7 },
      { text: 'кэшбэк', provider: 'market', limit: 7 },
      { text: 'заказ', provider: 'market', statuses: ['cancelled'], limit: 7 },
      { text: 'заказ доставка', accountId: 'a_seed_pachca', statuses: ['failed', 'outcome_unknown'], limit: 7 },
      { text: 'delivery', provider: 'diadoc', from: T0 - 200 * 86_400_000, to: T0 - 100 * 86_400_000, limit: 7 },
    ];
    for (const { limit, ...q } of queries) {
      const { provider, accountId, recipient, statuses, from, to, text } = q;
      const expected = all(store, { text: text! }, 500).filter((id) => {
        const s = byId.get(id)!;
        return (
          (!provider || s.provider === provider) &&
          (!accountId || s.accountId === accountId) &&
          (!recipient || s.recipient === recipient) &&
          (!statuses || statuses.includes(s.status)) &&
          (from === undefined || s.createdAt >= from) &&
          (to === undefined || s.createdAt <= to)
        );
      });
      expect(expected.length, JSON.stringify(q)).toBeGreaterThan(0);
      expect(all(store, q, limit), JSON.stringify(q)).toEqual(expected);
    }
    store.close();
  });

  it('answers the list queries from indexes or the FTS rowid walk, never a full scan and sort', () => {
    const f = file();
    openHistory(f).close();
    const db = new DatabaseSync(f);
    const plan = (sql: string, ...p: (string | number)[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...p) as { detail: string }[]).map((r) => r.detail).join(' | ');
    const cols = 's.seq, s.id';
    const newest = plan(`SELECT ${cols} FROM sends s ORDER BY s.seq DESC LIMIT 100`);
    const filtered = plan(
      `SELECT ${cols} FROM sends s WHERE s.provider = ? AND s.status IN (?) ORDER BY s.seq DESC LIMIT 100`,
      'market',
      'failed',
    );
    const text = plan(
      `SELECT ${cols} FROM sends_fts f CROSS JOIN sends s ON s.seq = f.rowid WHERE sends_fts MATCH ? ORDER BY f.rowid DESC LIMIT 100`,
      '"x"',
    );
    const fromFilters = plan(
      `SELECT ${cols} FROM sends s CROSS JOIN sends_fts f ON f.rowid = s.seq WHERE s.recipient = ? AND sends_fts MATCH ? ORDER BY s.seq DESC LIMIT 100`,
      '79001234567',
      '"x"',
    );
    const undecided = plan(
      `SELECT ${cols} FROM sends s WHERE s.status = 'outcome_unknown' AND NOT EXISTS (SELECT 1 FROM sends r WHERE r.resend_of = s.id) ORDER BY s.seq DESC LIMIT 100`,
    );
    for (const p of [newest, filtered, text, fromFilters, undecided]) expect(p).not.toMatch(/TEMP B-TREE/);
    expect(undecided).toMatch(/SEARCH s USING (COVERING )?INDEX sends_status .*SEARCH r USING (COVERING )?INDEX sends_resend_of/);
    expect(fromFilters).toMatch(/^SEARCH s USING (COVERING )?INDEX sends_recipient/);
    expect(filtered).toMatch(/USING (COVERING )?INDEX/);
    expect(text).toMatch(/VIRTUAL TABLE INDEX/);
    db.close();
  });
});
