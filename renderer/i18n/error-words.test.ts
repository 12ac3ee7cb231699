import { describe, expect, it } from 'vitest';
import { errorKinds } from '../../shared/error-kinds.ts';
import { describeError, translate, type Translate } from './translate.ts';

const inLang =
  (lang: 'ru' | 'en'): Translate =>
  (key, params) =>
    translate(lang, key, params);

describe('an error with no reason the dictionary knows', () => {
  it('is told by its kind, each kind in words of its own, in Russian and in English', () => {
    for (const lang of ['ru', 'en'] as const) {
      const said = errorKinds.map((kind) => describeError(inLang(lang), { kind, message: '' }));
      for (const [i, words] of said.entries()) expect(words, `${lang} ${errorKinds[i]}`).not.toMatch(/^kind\./);
      expect(new Set(said).size, lang).toBe(errorKinds.length);
    }
    expect(describeError(inLang('ru'), { kind: 'outcome_unknown', message: '' })).toBe('Неизвестно, дошло ли сообщение');
    expect(describeError(inLang('en'), { kind: 'network', message: '' })).toBe('The provider cannot be reached');
  });
});
