import { z } from 'zod';
import { generous, ident, text } from '../bounds.ts';
import type { FieldProblem } from './problems.ts';

/**
 * A Kontur Diadoc message as the composer produces it: one `MessageToPost` of up to 40
 * documents (diadoc.md §7). Files are handles the main process issued; the adapter streams
 * their bytes into `SignedContent.Content` (and the detached signature into `Signature`).
 *
 * Rules the sheet leaves to us:
 * - `function`/`version` are optional in the proto and required only for encrypted documents,
 *   which the console does not send. For the types with several functions (УПД, УКД and their
 *   revisions) the function decides the document's meaning, so the composer asks for it and
 *   accepts only that type's functions; single-function types take only `default`.
 * - Lengths are JavaScript string lengths (UTF-16 units), which never undercount characters.
 * - The 500 KB inline advice is a hint for the composer, not a refusal: the console sends every
 *   file inline and refuses only what breaks the 70 MB request limit.
 */
export const diadocLimits = {
  documentsMax: 40,
  /** The whole request, JSON and base64 included; "70 MB" read as 70 000 000 bytes, the smaller reading. */
  requestBytesMax: 70_000_000,
  /** Above this Kontur advises a shelf upload; shown as a hint only. */
  inlineAdviceBytes: 500 * 1024,
  commentMax: 5000,
  boxIdMax: 100,
} as const;

/** Box ids appear as dashed GUIDs and as `<hex>@diadoc.ru`; both are plain tokens without spaces. */
export const boxIdPattern = /^[A-Za-z0-9_.@{}-]+$/;

/**
 * Common document types (GetDocumentTypes, developer.kontur.ru "Форматы документов"). Types with
 * more than one function need `function`; any other type name is passed through as typed, since
 * the box's own list on the server is the authority.
 */
export const diadocDocumentTypes: readonly { typeNamedId: string; title: string; functions: readonly string[] }[] = [
  { typeNamedId: 'Nonformalized', title: 'Неформализованный документ', functions: ['default'] },
  { typeNamedId: 'Contract', title: 'Договор', functions: ['default'] },
  { typeNamedId: 'SupplementaryAgreement', title: 'Дополнительное соглашение', functions: ['default'] },
  { typeNamedId: 'AcceptanceCertificate', title: 'Акт (неформализованный)', functions: ['default'] },
  { typeNamedId: 'XmlAcceptanceCertificate', title: 'Акт в XML-формате', functions: ['default'] },
  { typeNamedId: 'Torg12', title: 'ТОРГ-12 (неформализованная)', functions: ['default'] },
  { typeNamedId: 'XmlTorg12', title: 'ТОРГ-12 в XML-формате', functions: ['default'] },
  { typeNamedId: 'Invoice', title: 'Счёт-фактура', functions: ['default'] },
  { typeNamedId: 'InvoiceRevision', title: 'Исправление счёта-фактуры', functions: ['default'] },
  { typeNamedId: 'InvoiceCorrection', title: 'Корректировочный счёт-фактура', functions: ['default'] },
  { typeNamedId: 'UniversalTransferDocument', title: 'УПД', functions: ['СЧФ', 'ДОП', 'СЧФДОП'] },
  { typeNamedId: 'UniversalTransferDocumentRevision', title: 'Исправление УПД', functions: ['СЧФ', 'ДОП', 'СЧФДОП'] },
  { typeNamedId: 'UniversalCorrectionDocument', title: 'УКД', functions: ['КСЧФ', 'ДИС', 'КСЧФДИС'] },
  { typeNamedId: 'UniversalCorrectionDocumentRevision', title: 'Исправление УКД', functions: ['КСЧФ', 'ДИС', 'КСЧФДИС'] },
  { typeNamedId: 'ProformaInvoice', title: 'Счёт на оплату', functions: ['default'] },
  { typeNamedId: 'PriceList', title: 'Ценовой лист', functions: ['default'] },
  { typeNamedId: 'ReconciliationAct', title: 'Акт сверки', functions: ['default'] },
  { typeNamedId: 'ServiceDetails', title: 'Детализация', functions: ['default'] },
  { typeNamedId: 'CertificateRegistry', title: 'Реестр сертификатов', functions: ['default'] },
  { typeNamedId: 'Torg13', title: 'ТОРГ-13', functions: ['default'] },
];

/** Type names are matched without regard to case: the sheet's own example writes `nonformalized`. */
export function diadocDocumentType(typeNamedId: string): (typeof diadocDocumentTypes)[number] | undefined {
  const wanted = typeNamedId.trim().toLowerCase();
  return diadocDocumentTypes.find((t) => t.typeNamedId.toLowerCase() === wanted);
}

export const diadocMetadataItemSchema = z.object({ key: ident(), value: text(generous.value) });

export const diadocDocumentSchema = z.object({
  /** The handle id of the document file. */
  file: ident(generous.id),
  /** The handle id of a detached CMS signature (DER), when the operator has one. */
  signatureFile: ident(generous.id).optional(),
  typeNamedId: ident(),
  function: ident().optional(),
  version: ident().optional(),
  metadata: z.array(diadocMetadataItemSchema).max(generous.list).optional(),
  comment: text(diadocLimits.commentMax).optional(),
  customDocumentId: ident().optional(),
  needRecipientSignature: z.boolean().optional(),
});
export type DiadocDocument = z.infer<typeof diadocDocumentSchema>;

export const diadocMessageSchema = z.object({
  provider: z.literal('diadoc'),
  fromBoxId: text(diadocLimits.boxIdMax),
  toBoxId: text(diadocLimits.boxIdMax),
  documents: z.array(diadocDocumentSchema).max(generous.list),
  /** `MessageToPost.IsDraft`: created as a draft, sent later from Diadoc. */
  isDraft: z.boolean().optional(),
  /** `MessageToPost.LockPacket`: a closed packet (same as `LockMode = Full`). */
  lockPacket: z.boolean().optional(),
  /** `MessageToPost.DelaySend`: stored as "outgoing, not sent". */
  delaySend: z.boolean().optional(),
});
export type DiadocMessage = z.infer<typeof diadocMessageSchema>;

function checkBox(problems: FieldProblem[], field: string, value: string): void {
  const v = value.trim();
  if (!v) problems.push({ field, reason: 'required' });
  else if (v.length > diadocLimits.boxIdMax) problems.push({ field, reason: 'too_long', limit: diadocLimits.boxIdMax });
  else if (!boxIdPattern.test(v)) problems.push({ field, reason: 'bad_box_id' });
}

function checkDocument(problems: FieldProblem[], doc: DiadocDocument, at: string): void {
  if (!doc.file.trim()) problems.push({ field: `${at}.file`, reason: 'required' });
  if (doc.signatureFile !== undefined && !doc.signatureFile.trim()) problems.push({ field: `${at}.signatureFile`, reason: 'required' });
  if (!doc.typeNamedId.trim()) problems.push({ field: `${at}.typeNamedId`, reason: 'required' });
  const type = diadocDocumentType(doc.typeNamedId);
  const fn = doc.function?.trim() ?? '';
  if (type && type.functions.length > 1) {
    if (!fn) problems.push({ field: `${at}.function`, reason: 'required' });
    else if (!type.functions.includes(fn)) problems.push({ field: `${at}.function`, reason: 'unknown_function' });
  } else if (type && fn && fn !== 'default') problems.push({ field: `${at}.function`, reason: 'unknown_function' });
  if (doc.comment !== undefined && doc.comment.length > diadocLimits.commentMax)
    problems.push({ field: `${at}.comment`, reason: 'too_long', limit: diadocLimits.commentMax });
  (doc.metadata ?? []).forEach((item, j) => {
    // MetadataItem's Key and Value are both `required` and non-empty (proto, DocumentAttachment.rst).
    if (!item.key.trim()) problems.push({ field: `${at}.metadata.${j}.key`, reason: 'required' });
    if (!item.value.trim()) problems.push({ field: `${at}.metadata.${j}.value`, reason: 'required' });
  });
}

/** Every rule the composer shows live and the host enforces again before anything is sent. */
export function checkDiadocMessage(msg: DiadocMessage): FieldProblem[] {
  const problems: FieldProblem[] = [];
  checkBox(problems, 'fromBoxId', msg.fromBoxId);
  checkBox(problems, 'toBoxId', msg.toBoxId);
  if (msg.fromBoxId.trim() && msg.fromBoxId.trim().toLowerCase() === msg.toBoxId.trim().toLowerCase())
    problems.push({ field: 'toBoxId', reason: 'same_box' });
  if (msg.documents.length === 0) problems.push({ field: 'documents', reason: 'required' });
  else if (msg.documents.length > diadocLimits.documentsMax)
    problems.push({ field: 'documents', reason: 'too_many', limit: diadocLimits.documentsMax });
  const seen = new Set<string>();
  msg.documents.forEach((doc, i) => {
    checkDocument(problems, doc, `documents.${i}`);
    // CustomDocumentId must be unique within one MessageToPost (DocumentAttachment.rst).
    const id = doc.customDocumentId?.trim();
    if (id) {
      if (seen.has(id)) problems.push({ field: `documents.${i}.customDocumentId`, reason: 'duplicate' });
      seen.add(id);
    }
  });
  return problems;
}

/** Bytes of `n` bytes as base64 (padded): the size a file takes inside the JSON request. */
export function base64Length(n: number): number {
  return 4 * Math.ceil(n / 3);
}
