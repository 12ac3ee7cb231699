import { describe, expect, it } from 'vitest';
import { formatBytes, formatDateTime, formatNumber, formatPercent, pluralCategory } from './format.ts';
import { describeError, translate } from './translate.ts';

// Intl separates groups and units with no-break spaces; a reader sees plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('figures in the operator language', () => {
  it('groups large numbers the way each language does', () => {
    expect(plain(formatNumber('ru', 5_242_880))).toBe('5 242 880');
    expect(formatNumber('en', 5_242_880)).toBe('5,242,880');
  });

  it('writes a share as each language writes a percentage, beside its plural rules', () => {
    expect(pluralCategory('ru', 5)).toBe('many');
    expect(plain(formatPercent('ru', 0.456))).toBe('46 %');
    expect(formatPercent('en', 0.456)).toBe('46%');
    expect(pluralCategory('ru', 2)).toBe('few');
  });

  it('writes sizes with the language unit names and decimal mark', () => {
    expect(plain(formatBytes('ru', 5 * 1024 * 1024))).toBe('5 МБ');
    expect(plain(formatBytes('en', 5 * 1024 * 1024))).toBe('5 MB');
    expect(plain(formatBytes('ru', 200_000))).toMatch(/^195,3 [кК]Б$/);
    expect(plain(formatBytes('en', 200_000))).toBe('195.3 kB');
    expect(plain(formatBytes('ru', 12))).toBe('12 Б');
  });

  it('fills numbers into messages grouped, and byte limits as sizes', () => {
    expect(plain(translate('ru', 'reason.too_long', { limit: 10_000 }))).toBe('Слишком длинно: не больше 10 000');
    const tooBig = { kind: 'too_large', reason: 'file_too_big', limit: 5 * 1024 * 1024, message: 'too big' } as const;
    expect(plain(describeError((k, p) => translate('ru', k, p), tooBig))).toBe('Файл слишком большой: не больше 5 МБ');
    expect(plain(describeError((k, p) => translate('en', k, p), tooBig))).toBe('The file is too big: at most 5 MB');
  });

  it('writes a moment in the language date order', () => {
    const at = Date.UTC(2026, 10, 30, 12, 5);
    expect(formatDateTime('ru', at)).toMatch(/30\.11\.(20)?26/);
    expect(formatDateTime('en', at)).toMatch(/11\/30\/26/);
  });
});
