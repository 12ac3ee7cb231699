import { describe, expect, it } from 'vitest';
import type { FileHandle } from '../../shared/sends.ts';
import type { DocDraft } from './DiadocDocumentCard.tsx';
import { isSignatureName, withDroppedFiles } from './signature-pairing.ts';

let seq = 0;
const file = (name: string): FileHandle => ({
  id: `f_test${String(++seq).padStart(8, '0')}`,
  name,
  size: 10,
  type: 'application/pdf',
  sha256: 'x',
});
const card = (f: FileHandle, comment = ''): DocDraft => ({
  file: f,
  typeNamedId: 'Nonformalized',
  function: '',
  version: '',
  comment,
  customDocumentId: '',
  needRecipientSignature: false,
  metadata: '',
});
const names = (docs: DocDraft[]) => docs.map((d) => [d.file.name, d.signature?.name]);

describe('signatures dropped on a Diadoc composer', () => {
  it('pair with their documents in the same drop, forty at once, in any order', () => {
    const documents = Array.from({ length: 40 }, (_, i) => file(`Акт №${i + 1}.pdf`));
    const signatures = documents.map((d, i) => file(`${d.name}${i % 2 ? '.p7s' : '.sig'}`)).reverse();
    const { docs, unpaired } = withDroppedFiles([], [...signatures, ...documents], card);
    expect(unpaired).toEqual([]);
    expect(docs).toHaveLength(40);
    expect(docs.every((d) => d.signature?.name.startsWith(d.file.name))).toBe(true);
  });

  it('join a card dropped earlier, keeping what was typed on it', () => {
    const contract = file('договор.pdf');
    const before = [card(contract, 'Договор поставки №7')];
    const { docs, unpaired } = withDroppedFiles(before, [file('ДОГОВОР.PDF.SIG')], card);
    expect(unpaired).toEqual([]);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ comment: 'Договор поставки №7', signature: { name: 'ДОГОВОР.PDF.SIG' } });
  });

  it('take a name without the document’s extension when only one document fits it', () => {
    const { docs } = withDroppedFiles([card(file('акт.pdf')), card(file('счёт.pdf'))], [file('акт.sig')], card);
    expect(names(docs)).toEqual([
      ['акт.pdf', 'акт.sig'],
      ['счёт.pdf', undefined],
    ]);
  });

  it('go one to each of two documents of the same name', () => {
    const { docs } = withDroppedFiles([], [file('скан.pdf'), file('скан.pdf'), file('скан.pdf.sig'), file('скан.pdf.p7s')], card);
    expect(names(docs)).toEqual([
      ['скан.pdf', 'скан.pdf.sig'],
      ['скан.pdf', 'скан.pdf.p7s'],
    ]);
  });

  it('are handed back, not made into documents, when the message has no document of that name', () => {
    const orphan = file('упд.xml.sig');
    const { docs, unpaired } = withDroppedFiles([card(file('акт.pdf'))], [orphan, file('счёт.pdf')], card);
    expect(unpaired).toEqual([orphan]);
    expect(names(docs)).toEqual([
      ['акт.pdf', undefined],
      ['счёт.pdf', undefined],
    ]);
  });

  it('are told by their extension only, never a bare .sig', () => {
    expect([isSignatureName('a.pdf.sig'), isSignatureName('a.pdf.P7S'), isSignatureName('.sig'), isSignatureName('a.pdf')]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
