import { describe, expect, it } from 'vitest';
import { translate, type Lang } from '../i18n/translate.ts';
import { previewLabel, recipientLabel } from './labels.ts';

const tr = (lang: Lang) => (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) => translate(lang, key, params);

describe('recipients and previews kept as data, in the operator language', () => {
  it('names the kind of recipient in the operator language and keeps the id as it is', () => {
    expect(recipientLabel(tr('ru'), { kind: 'chat', id: '334' })).toBe('чат 334');
    expect(recipientLabel(tr('ru'), { kind: 'user', id: '12345' })).toBe('пользователь 12345');
    expect(recipientLabel(tr('ru'), { kind: 'thread', id: '7' })).toBe('тред 7');
    expect(recipientLabel(tr('en'), { kind: 'chat', id: '334' })).toBe('chat 334');
    expect(recipientLabel(tr('en'), { kind: 'thread', id: '7' })).toBe('thread 7');
  });

  it('shows a box or an address as it is', () => {
    expect(recipientLabel(tr('ru'), { kind: 'address', id: '79001234567@c.us' })).toBe('79001234567@c.us');
    expect(recipientLabel(tr('ru'), { kind: 'box', id: 'box-2@diadoc.ru' })).toBe('box-2@diadoc.ru');
  });

  it('counts Diadoc documents in Russian plural forms, grouping digits, and keeps their names', () => {
    const docs = (count: number, names: string[] = ['Акт', 'Счёт']) => ({ kind: 'documents' as const, count, names });
    expect(previewLabel(tr('ru'), docs(1, ['Акт']))).toBe('1 документ: Акт');
    expect(previewLabel(tr('ru'), docs(2))).toBe('2 документа: Акт · Счёт');
    expect(previewLabel(tr('ru'), docs(5))).toBe('5 документов: Акт · Счёт');
    expect(previewLabel(tr('ru'), docs(21))).toBe('21 документ: Акт · Счёт');
    expect(previewLabel(tr('ru'), docs(40, []))).toBe('40 документов');
    expect(previewLabel(tr('en'), docs(1, ['Акт']))).toBe('1 document: Акт');
    expect(previewLabel(tr('en'), docs(2))).toBe('2 documents: Акт · Счёт');
  });

  it('names attached files, and counts them in words when their names are gone', () => {
    const files = (count: number, names: string[]) => ({ kind: 'files' as const, count, names });
    expect(previewLabel(tr('ru'), files(2, ['счёт.pdf', 'акт.pdf']))).toBe('📎 счёт.pdf 📎 акт.pdf');
    expect(previewLabel(tr('ru'), files(1, []))).toBe('📎 файл');
    expect(previewLabel(tr('en'), files(1, []))).toBe('📎 file');
    expect(previewLabel(tr('ru'), files(3, []))).toBe('📎 3 файла');
    expect(previewLabel(tr('en'), files(3, []))).toBe('📎 3 files');
  });

  it('leaves the operator text untouched, whatever words it holds', () => {
    const text = 'Добрый день! 3 documents: это текст оператора';
    expect(previewLabel(tr('ru'), { kind: 'text', text })).toBe(text);
  });
});
