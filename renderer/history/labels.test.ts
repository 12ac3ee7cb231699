import { describe, expect, it } from 'vitest';
import { translate, type Lang } from '../i18n/translate.ts';
import { previewLabel, recipientLabel } from './labels.ts';

const tr = (lang: Lang) => (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) => translate(lang, key, params);

describe('stored recipients and previews on screen', () => {
  it('names the kind of recipient in the operator language and keeps the id as it is', () => {
    expect(recipientLabel(tr('ru'), 'market', 'chat 334')).toBe('чат 334');
    expect(recipientLabel(tr('ru'), 'pachca', 'user 12345')).toBe('пользователь 12345');
    expect(recipientLabel(tr('ru'), 'pachca', 'thread 7')).toBe('тред 7');
    expect(recipientLabel(tr('en'), 'market', 'chat 334')).toBe('chat 334');
  });

  it('leaves a recipient that is only an address alone', () => {
    expect(recipientLabel(tr('ru'), 'greenapi', '79001234567@c.us')).toBe('79001234567@c.us');
    expect(recipientLabel(tr('ru'), 'diadoc', 'box-2@diadoc.ru')).toBe('box-2@diadoc.ru');
  });

  it('counts Diadoc documents in Russian plural forms and keeps their names', () => {
    expect(previewLabel(tr('ru'), 'diadoc', '40 documents: Акт · Счёт')).toBe('40 документов: Акт · Счёт');
    expect(previewLabel(tr('ru'), 'diadoc', '1 document: Акт')).toBe('1 документ: Акт');
    expect(previewLabel(tr('ru'), 'diadoc', '2 documents: Акт · Счёт')).toBe('2 документа: Акт · Счёт');
    expect(previewLabel(tr('en'), 'diadoc', '1 document: Акт')).toBe('1 document: Акт');
  });

  it('says an unnamed attachment in words and leaves the operator text untouched', () => {
    expect(previewLabel(tr('ru'), 'market', '📎 file')).toBe('📎 файл');
    expect(previewLabel(tr('ru'), 'pachca', '📎 счёт.pdf')).toBe('📎 счёт.pdf');
    expect(previewLabel(tr('ru'), 'greenapi', 'Добрый день! 3 documents: это текст оператора')).toBe(
      'Добрый день! 3 documents: это текст оператора',
    );
  });
});
