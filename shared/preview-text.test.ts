import { describe, expect, it } from 'vitest';
import { previewOfText } from './preview-text.ts';
import { plainPreview, type SendPreview } from './send-labels.ts';

describe('a preview stored as text, read back as data', () => {
  it('reads a team row in the language-free form any desktop wrote it in, whatever that desktop’s language', () => {
    const sent: SendPreview[] = [
      { kind: 'text', text: 'Заказ в пути' },
      { kind: 'files', count: 2, names: ['акт.pdf', 'счёт.pdf'] },
      { kind: 'files', count: 3, names: [] },
    ];
    for (const p of sent) expect(previewOfText('pachca', plainPreview(p), 'team row')).toEqual(p);
    const documents: SendPreview[] = [
      { kind: 'documents', count: 5, names: ['Акт', 'Счёт'] },
      { kind: 'documents', count: 2, names: [] },
    ];
    for (const p of documents) expect(previewOfText('diadoc', plainPreview(p), 'team row')).toEqual(p);
  });

  it('reads the English text the first team builds sent', () => {
    expect(previewOfText('diadoc', '3 documents: Акт · Счёт · УПД', 'team row')).toEqual({
      kind: 'documents',
      count: 3,
      names: ['Акт', 'Счёт', 'УПД'],
    });
    expect(previewOfText('market', '📎 file', 'team row')).toEqual({ kind: 'files', count: 1, names: [] });
    expect(previewOfText('greenapi', 'Hello, your order shipped', 'team row')).toEqual({ kind: 'text', text: 'Hello, your order shipped' });
  });

  it('in the history, believes a clip only when the message the row kept was a file send', () => {
    const text = '📎 see attached';
    expect(previewOfText('pachca', text, { sent: { content: 'real text', files: [] } })).toEqual({ kind: 'text', text });
    expect(previewOfText('pachca', '📎 a.pdf 📎 b.pdf', { sent: { content: ' ', files: [{}, {}] } })).toEqual({
      kind: 'files',
      count: 2,
      names: ['a.pdf', 'b.pdf'],
    });
    expect(previewOfText('market', '📎 file', { sent: { kind: 'file' } })).toEqual({ kind: 'files', count: 1, names: [] });
    expect(previewOfText('market', '📎 file', { sent: undefined })).toEqual({ kind: 'text', text: '📎 file' });
  });
});
