import { describe, expect, it } from 'vitest';
import { emptyPersistedUi, readPersistedUi, shapedLike } from './persisted-ui.ts';

describe('UI state read back from localStorage', () => {
  it('keeps a well-formed state as it was', () => {
    const stored = {
      view: 'history',
      accountByProvider: { pachca: 'a_1' },
      composer: { greenapi: { recipient: { to: '79001234567' }, body: { text: 'Привет' }, boundKey: '79001234567' } },
      drafts: { 'greenapi:79001234567': { text: 'Привет' } },
      editing: { market: { sendId: 's_1', scheduledAt: 1_790_000_000_000 } },
    };
    expect(readPersistedUi(stored)).toEqual(stored);
  });

  it('falls back to the defaults when the stored value is not an object at all', () => {
    for (const stored of [null, 'garbage', 42, ['view']]) expect(readPersistedUi(stored)).toEqual(emptyPersistedUi);
  });

  it('drops only the pieces of the wrong shape, so one bad draft costs that draft alone', () => {
    const read = readPersistedUi({
      view: 'fax',
      accountByProvider: { pachca: 7, market: 'a_2', telegram: 'a_3' },
      composer: { greenapi: 'half a draft', pachca: { recipient: 'chat', body: { text: 'x' } } },
      drafts: { 'pachca:1': { text: 'Сохранить' }, 'pachca:2': 'not a body' },
      editing: { market: { sendId: 's_1', scheduledAt: 'tomorrow' }, diadoc: { sendId: 's_2', scheduledAt: 5 } },
    });
    expect(read).toEqual({
      view: 'greenapi',
      accountByProvider: { market: 'a_2' },
      composer: { pachca: { recipient: 'chat', body: { text: 'x' } } },
      drafts: { 'pachca:1': { text: 'Сохранить' } },
      editing: { diadoc: { sendId: 's_2', scheduledAt: 5 } },
    });
  });
});

describe('a composer draft checked against the composer’s start values', () => {
  const body = { text: '', buttons: [['']], silent: false, file: undefined };

  it('accepts a draft with the same kinds of values, optional fields included', () => {
    expect(shapedLike({ text: 'Привет', buttons: [['Да', 'Нет']], silent: true, file: { name: 'a.pdf' } }, body)).toBe(true);
  });

  it('accepts a draft an older build wrote without a field the composer has since gained', () => {
    expect(shapedLike({ text: 'Привет' }, body)).toBe(true);
  });

  it('refuses a draft whose fields changed kind, so the composer starts empty instead of breaking', () => {
    expect(shapedLike({ text: 5, buttons: [['']], silent: false }, body)).toBe(false);
    expect(shapedLike({ text: 'x', buttons: 'none', silent: false }, body)).toBe(false);
    expect(shapedLike({ text: 'x', buttons: [[1]], silent: false }, body)).toBe(false);
    expect(shapedLike('text', body)).toBe(false);
  });
});
