import { describe, expect, it } from 'vitest';
import { previewWords, recipientWords } from './label-words.ts';

describe('the main process words a send’s recipient and preview', () => {
  it('counts documents and unnamed files in Russian for 1, 2, 5 and 21, and in English for 1 and 2', () => {
    const docs = (count: number) => ({ kind: 'documents' as const, count, names: [] });
    const files = (count: number) => ({ kind: 'files' as const, count, names: [] });
    expect([1, 2, 5, 21].map((n) => previewWords('ru', docs(n)))).toEqual(['1 документ', '2 документа', '5 документов', '21 документ']);
    expect([1, 2, 5, 21].map((n) => previewWords('ru', files(n)))).toEqual(['📎 файл', '📎 2 файла', '📎 5 файлов', '📎 21 файл']);
    expect([1, 2].map((n) => previewWords('en', docs(n)))).toEqual(['1 document', '2 documents']);
    expect([1, 2].map((n) => previewWords('en', files(n)))).toEqual(['📎 file', '📎 2 files']);
    expect(previewWords('ru', docs(1000))).toBe('1\u00a0000 документов');
  });

  it('names the recipient’s kind in the language and leaves an address as it is', () => {
    expect(recipientWords('ru', { kind: 'thread', id: '9' })).toBe('тред 9');
    expect(recipientWords('en', { kind: 'user', id: '7' })).toBe('user 7');
    expect(recipientWords('ru', { kind: 'address', id: '120363@g.us' })).toBe('120363@g.us');
  });
});
