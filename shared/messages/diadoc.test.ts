import { describe, expect, it } from 'vitest';
import {
  base64Length,
  checkDiadocMessage,
  diadocDocumentType,
  diadocLimits,
  deliversNow,
  metadataFileName,
  withFileNames,
  type DiadocDocument,
  type DiadocTypeInfo,
  type DiadocMessage,
} from './diadoc.ts';
import { diadocMessageSchema } from './diadoc-schema.ts';

const doc = (over: Partial<DiadocDocument> = {}): DiadocDocument => ({
  file: 'f_document0001',
  signatureFile: 'f_signature001',
  typeNamedId: 'Nonformalized',
  ...over,
});
const message = (over: Partial<DiadocMessage> = {}): DiadocMessage => ({
  provider: 'diadoc',
  fromBoxId: 'db32772b-9256-49a8-a133-fda593fda38a',
  toBoxId: '13254c424b4f74fd33240094aeb0f15a@diadoc.ru',
  documents: [doc()],
  ...over,
});

describe('the Diadoc message', () => {
  it('passes with one document between two boxes', () => {
    expect(checkDiadocMessage(message())).toEqual([]);
  });

  it('is what the composer produces: the schema keeps every field and knows its provider', () => {
    const full = message({
      isDraft: false,
      lockPacket: true,
      delaySend: false,
      documents: [
        doc({
          signatureFile: 'f_signature001',
          function: 'default',
          version: 'v1',
          comment: 'Договор',
          customDocumentId: 'c-1',
          needRecipientSignature: true,
          metadata: [{ key: 'FileName', value: 'dogovor.pdf' }],
        }),
      ],
    });
    expect(diadocMessageSchema.parse(full)).toEqual(full);
    expect(diadocMessageSchema.safeParse({ ...full, provider: 'pachca' }).success).toBe(false);
  });

  it('needs both boxes, plain box ids, and two different ones', () => {
    expect(checkDiadocMessage(message({ fromBoxId: ' ', toBoxId: '' }))).toEqual([
      { field: 'fromBoxId', reason: 'required' },
      { field: 'toBoxId', reason: 'required' },
    ]);
    expect(checkDiadocMessage(message({ toBoxId: 'box with spaces' }))).toEqual([{ field: 'toBoxId', reason: 'bad_box_id' }]);
    expect(checkDiadocMessage(message({ toBoxId: 'x'.repeat(101) }))).toEqual([{ field: 'toBoxId', reason: 'too_long', limit: 100 }]);
    expect(checkDiadocMessage(message({ toBoxId: 'DB32772B-9256-49A8-A133-FDA593FDA38A' }))).toEqual([
      { field: 'toBoxId', reason: 'same_box' },
    ]);
  });

  it('carries one to 40 documents', () => {
    expect(checkDiadocMessage(message({ documents: [] }))).toEqual([{ field: 'documents', reason: 'required' }]);
    const forty = Array.from({ length: 40 }, () => doc());
    expect(checkDiadocMessage(message({ documents: forty }))).toEqual([]);
    expect(checkDiadocMessage(message({ documents: [...forty, doc()] }))).toEqual([{ field: 'documents', reason: 'too_many', limit: 40 }]);
  });

  it('limits each comment to 5000 characters and names the document', () => {
    const docs = [doc(), doc(), doc(), doc({ comment: 'я'.repeat(5001) })];
    expect(checkDiadocMessage(message({ documents: docs }))).toEqual([{ field: 'documents.3.comment', reason: 'too_long', limit: 5000 }]);
    docs[3] = doc({ comment: 'я'.repeat(5000) });
    expect(checkDiadocMessage(message({ documents: docs }))).toEqual([]);
  });

  it('needs a file and a type for every document, and a signature handle when one is named', () => {
    expect(checkDiadocMessage(message({ documents: [doc({ file: '', typeNamedId: ' ', signatureFile: '' })] }))).toEqual([
      { field: 'documents.0.file', reason: 'required' },
      { field: 'documents.0.signatureFile', reason: 'required' },
      { field: 'documents.0.typeNamedId', reason: 'required' },
    ]);
  });

  it('asks for the function of types that have several, and accepts only their own', () => {
    expect(
      checkDiadocMessage(message({ documents: [doc({ typeNamedId: 'UniversalTransferDocument', version: 'utd970_05_03_01' })] })),
    ).toEqual([{ field: 'documents.0.function', reason: 'required' }]);
    expect(checkDiadocMessage(message({ documents: [doc({ typeNamedId: 'UniversalTransferDocument', function: 'КСЧФ' })] }))).toEqual([
      { field: 'documents.0.function', reason: 'unknown_function' },
    ]);
    expect(
      checkDiadocMessage(
        message({ documents: [doc({ typeNamedId: 'UniversalTransferDocument', function: 'СЧФДОП', version: 'utd970_05_03_01' })] }),
      ),
    ).toEqual([]);
    expect(checkDiadocMessage(message({ documents: [doc({ typeNamedId: 'nonformalized', function: 'СЧФ' })] }))).toEqual([
      { field: 'documents.0.function', reason: 'unknown_function' },
    ]);
    // A type this list does not know is the server's to judge.
    expect(
      checkDiadocMessage(message({ documents: [doc({ typeNamedId: 'LetterOfIntent', function: 'anything', version: 'v7' })] })),
    ).toEqual([]);
  });

  it('matches type names without regard to case, as the sheet writes `nonformalized`', () => {
    expect(diadocDocumentType('nonformalized')?.typeNamedId).toBe('Nonformalized');
    expect(diadocDocumentType('UNIVERSALTRANSFERDOCUMENT')?.functions).toEqual(['СЧФ', 'ДОП', 'СЧФДОП']);
  });

  it('needs a key and a value in every metadata item', () => {
    const metadata = [
      { key: 'FileName', value: 'a.pdf' },
      { key: '', value: 'x' },
      { key: 'Note', value: ' ' },
    ];
    expect(checkDiadocMessage(message({ documents: [doc(), doc({ metadata })] }))).toEqual([
      { field: 'documents.1.metadata.1.key', reason: 'required' },
      { field: 'documents.1.metadata.2.value', reason: 'required' },
    ]);
  });

  it('needs a signature on every document of a message that goes to the recipient now', () => {
    expect(checkDiadocMessage(message({ documents: [doc(), doc({ signatureFile: undefined })] }))).toEqual([
      { field: 'documents.1.signatureFile', reason: 'signature_required' },
    ]);
    expect(deliversNow({})).toBe(true);
  });

  it('takes no signature in a draft or a delayed send, which are signed later in Diadoc', () => {
    const unsigned = [doc({ signatureFile: undefined })];
    expect(checkDiadocMessage(message({ isDraft: true, documents: unsigned }))).toEqual([]);
    expect(checkDiadocMessage(message({ delaySend: true, documents: unsigned }))).toEqual([]);
    expect(checkDiadocMessage(message({ delaySend: true, documents: [doc()] }))).toEqual([
      { field: 'documents.0.signatureFile', reason: 'signature_in_draft' },
    ]);
  });

  it('takes only the metadata a type takes from the call, never what it reads from the content', () => {
    const utd = doc({ typeNamedId: 'UniversalTransferDocument', function: 'СЧФ', metadata: [{ key: 'DocumentNumber', value: '7' }] });
    expect(checkDiadocMessage(message({ documents: [utd] }))).toEqual([
      { field: 'documents.0.meta.DocumentNumber', reason: 'metadata_from_content' },
    ]);
    const odd = doc({ metadata: [{ key: 'Total', value: '1' }] });
    expect(checkDiadocMessage(message({ documents: [odd] }))).toEqual([{ field: 'documents.0.meta.Total', reason: 'metadata_odd' }]);
  });

  it('asks for a Contract’s number and date, in DD.MM.YYYY, but never for FileName, which comes from the file', () => {
    expect(checkDiadocMessage(message({ documents: [doc({ typeNamedId: 'Contract' })] }))).toEqual([
      { field: 'documents.0.meta.DocumentNumber', reason: 'metadata_required' },
      { field: 'documents.0.meta.DocumentDate', reason: 'metadata_required' },
    ]);
    const dated = (date: string) =>
      doc({
        typeNamedId: 'Contract',
        metadata: [
          { key: 'DocumentNumber', value: '7' },
          { key: 'DocumentDate', value: date },
        ],
      });
    expect(checkDiadocMessage(message({ documents: [dated('2026-12-01')] }))).toEqual([
      { field: 'documents.0.meta.DocumentDate', reason: 'metadata_date' },
    ]);
    expect(checkDiadocMessage(message({ documents: [dated('01.12.2026')] }))).toEqual([]);
  });

  it('checks against the box’s own types when they are known', () => {
    const box: DiadocTypeInfo[] = [
      {
        typeNamedId: 'Nonformalized',
        title: 'НФ',
        functions: ['default'],
        metadata: [
          { id: 'FileName', type: 'string', required: true, source: 'user' },
          { id: 'DocumentNumber', type: 'string', required: false, source: 'user' },
        ],
      },
    ];
    const numbered = doc({ metadata: [{ key: 'DocumentNumber', value: '5' }] });
    expect(checkDiadocMessage(message({ documents: [numbered] }), box)).toEqual([]);
    expect(checkDiadocMessage(message({ documents: [numbered] }))).toEqual([
      { field: 'documents.0.meta.DocumentNumber', reason: 'metadata_odd' },
    ]);
  });

  it('fills FileName from the file for the types that take it, keeping one the operator typed', () => {
    const names: Record<string, string> = { f_a: 'Счёт на оплату №5.pdf', f_b: 'a/b:c.pdf.', f_c: 'upd.xml' };
    const filled = withFileNames(
      message({
        documents: [
          doc({ file: 'f_a' }),
          doc({ file: 'f_b' }),
          doc({ file: 'f_a', metadata: [{ key: 'FileName', value: 'Своё имя.pdf' }] }),
          doc({ file: 'f_c', typeNamedId: 'UniversalTransferDocument', function: 'СЧФ' }),
        ],
      }),
      (id) => names[id],
    );
    expect(filled.documents.map((d) => d.metadata)).toEqual([
      [{ key: 'FileName', value: 'Счёт на оплату №5.pdf' }],
      [{ key: 'FileName', value: 'a_b_c.pdf' }],
      [{ key: 'FileName', value: 'Своё имя.pdf' }],
      undefined,
    ]);
    expect(metadataFileName('...')).toBe('document');
  });

  it('keeps custom document ids unique within the message', () => {
    const docs = [doc({ customDocumentId: 'a' }), doc({ customDocumentId: 'b' }), doc({ customDocumentId: 'a' })];
    expect(checkDiadocMessage(message({ documents: docs }))).toEqual([{ field: 'documents.2.customDocumentId', reason: 'duplicate' }]);
  });

  it('states the documented limits and the base64 growth the request size is computed with', () => {
    expect(diadocLimits).toMatchObject({ documentsMax: 40, requestBytesMax: 70_000_000, inlineAdviceBytes: 512_000, commentMax: 5000 });
    expect([0, 1, 2, 3, 4, 1_000_000].map(base64Length)).toEqual([0, 4, 4, 4, 8, Buffer.alloc(1_000_000).toString('base64').length]);
  });
});
