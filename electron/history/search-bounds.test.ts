import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import type { SendSummary } from '../../shared/sends.ts';
import { testHost } from '../testing/host-fixture.ts';
import { textSend } from '../testing/text-send.ts';
import { ftsQuery, ftsTerms, TERM_MAX } from './fts-query.ts';

const hugeWord = 'я'.repeat(8_000_000);
const items = (r: { ok: boolean; value?: unknown }) => (r.ok ? (r.value as { items: SendSummary[] }).items.map((s) => s.id) : r);

describe('the search index under values of any length', () => {
  it('refuses an 8 MB word at the boundary with the field and the limit', async () => {
    const host = await testHost();
    const r = await host.dispatch('sends.send', {
      accountId: 'a_any',
      message: {
        provider: 'diadoc',
        fromBoxId: 'box-1@diadoc.ru',
        toBoxId: 'box-2@diadoc.ru',
        documents: [{ file: 'f_12345678', typeNamedId: 'Nonformalized', metadata: [{ key: 'DocumentNumber', value: hugeWord }] }],
      },
    });
    expect(r).toMatchObject({
      ok: false,
      error: { kind: 'invalid', reason: 'too_long', field: 'message.documents.0.metadata.0.value', limit: 4000 },
    });
    await host.dispose();
  });

  it('starts, searches and shuts down with an 8-million-letter word already in the history', async () => {
    const host = await testHost();
    host.history.insertSend(textSend('huge', { text: 'Счёт 42', searchText: `Счёт 42 ${hugeWord}`, createdAt: Date.now() }));
    await host.close();
    // As an earlier version, without bounds anywhere, stored it: whole, and not yet indexed.
    const db = new DatabaseSync(join(host.dataDir, 'history.sqlite'));
    db.prepare('UPDATE sends SET search_text = ? WHERE id = ?').run(`Счёт 42 ${hugeWord}`, 's_huge');
    db.exec("DELETE FROM sends_fts; DELETE FROM fts_terms; UPDATE state SET value = '0' WHERE key = 'fts_upto'");
    db.close();

    const again = await testHost({ dataDir: host.dataDir });
    expect(items(await again.dispatch('history.list', { text: 'счёт', limit: 10 }))).toEqual(['s_huge']);
    expect(items(await again.dispatch('history.list', { text: 'яяяя', limit: 10 }))).toEqual(['s_huge']);
    expect(items(await again.dispatch('history.list', { text: 'я'.repeat(200), limit: 10 }))).toEqual(['s_huge']);
    expect(items(await again.dispatch('history.list', { text: 'ничего такого', limit: 10 }))).toEqual([]);
    await again.dispose();
  });

  it('builds queries from terms of bounded length, a cut one searched as a prefix', () => {
    expect(ftsTerms(hugeWord).every((t) => t.length <= TERM_MAX)).toBe(true);
    expect(ftsQuery(`счёт ${'ж'.repeat(500)}`)).toBe(`"счёт" AND "${'ж'.repeat(TERM_MAX)}"*`);
    expect(ftsQuery('догов', () => ['договор', 'д'.repeat(TERM_MAX)])).toBe(`("договор" OR "${'д'.repeat(TERM_MAX)}"*)`);
  });
});
