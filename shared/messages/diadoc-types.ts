import type { DiadocMetadataSpec, DiadocTypeInfo } from './diadoc-types-schema.ts';

// Only the types of the zod shape come here, erased at build, so the composer's bundle carries no schema.
export type { DiadocMetadataSpec, DiadocTypeInfo, DiadocTypesReply } from './diadoc-types-schema.ts';

/**
 * Diadoc document types and the metadata each takes (diadoc.md §12.2). The box's own list comes
 * from `GET /V3/GetDocumentTypes` (the main process caches it per box); this file holds a built-in
 * table for when the box cannot be asked (the shape the app keeps it in is diadoc-types-schema.ts).
 *
 * A metadata item is either passed in the call (`source: 'user'`) or read by Diadoc from the
 * document's content (`'content'`): sending the latter is refused as "Provided odd metadata
 * items", and so is any key the type does not list. The built-in table reads the sheet strictly
 * (§12.8 q1): Nonformalized takes `FileName` only; Contract, SupplementaryAgreement and
 * ProformaInvoice take `FileName`, `DocumentNumber`, `DocumentDate`; formalised types take nothing.
 */

export const metadataItemTypes = ['string', 'integer', 'decimal', 'date', 'time'] as const;

const user = (id: string, type: DiadocMetadataSpec['type'], required: boolean): DiadocMetadataSpec => ({
  id,
  type,
  required,
  source: 'user',
});
const fromContent = (id: string, type: DiadocMetadataSpec['type']): DiadocMetadataSpec => ({ id, type, required: true, source: 'content' });
const fileName = user('FileName', 'string', true);
const numberAndDate = [user('DocumentNumber', 'string', true), user('DocumentDate', 'date', true)];
const contentItems = [fromContent('FileName', 'string'), fromContent('DocumentNumber', 'string'), fromContent('DocumentDate', 'date')];

/** Nonformalized and the common formalised types, for a box whose list cannot be fetched. */
export const diadocBuiltinTypes: readonly DiadocTypeInfo[] = [
  { typeNamedId: 'Nonformalized', title: 'Неформализованный документ', functions: ['default'], metadata: [fileName] },
  { typeNamedId: 'Contract', title: 'Договор', functions: ['default'], metadata: [fileName, ...numberAndDate] },
  {
    typeNamedId: 'SupplementaryAgreement',
    title: 'Дополнительное соглашение',
    functions: ['default'],
    metadata: [fileName, ...numberAndDate],
  },
  { typeNamedId: 'ProformaInvoice', title: 'Счёт на оплату', functions: ['default'], metadata: [fileName, ...numberAndDate] },
  { typeNamedId: 'UniversalTransferDocument', title: 'УПД', functions: ['СЧФ', 'ДОП', 'СЧФДОП'], metadata: contentItems },
  {
    typeNamedId: 'UniversalTransferDocumentRevision',
    title: 'Исправление УПД',
    functions: ['СЧФ', 'ДОП', 'СЧФДОП'],
    metadata: contentItems,
  },
  { typeNamedId: 'UniversalCorrectionDocument', title: 'УКД', functions: ['КСЧФ', 'ДИС', 'КСЧФДИС'], metadata: contentItems },
  {
    typeNamedId: 'UniversalCorrectionDocumentRevision',
    title: 'Исправление УКД',
    functions: ['КСЧФ', 'ДИС', 'КСЧФДИС'],
    metadata: contentItems,
  },
  { typeNamedId: 'XmlAcceptanceCertificate', title: 'Акт в XML-формате', functions: ['default'], metadata: contentItems },
  { typeNamedId: 'XmlTorg12', title: 'ТОРГ-12 в XML-формате', functions: ['default'], metadata: contentItems },
  { typeNamedId: 'Invoice', title: 'Счёт-фактура', functions: ['default'], metadata: contentItems },
];

/** Type names are matched without regard to case: the sheet's own example writes `nonformalized`. */
export function diadocDocumentType(typeNamedId: string, types: readonly DiadocTypeInfo[] = diadocBuiltinTypes): DiadocTypeInfo | undefined {
  const wanted = typeNamedId.trim().toLowerCase();
  return types.find((t) => t.typeNamedId.toLowerCase() === wanted);
}

/** The items the operator may (or must) pass for a type: those Diadoc does not read from the content. */
export function passedMetadata(type: DiadocTypeInfo): DiadocMetadataSpec[] {
  return type.metadata.filter((m) => m.source === 'user');
}

/** A file name as `FileName` may carry it (§12.2: none of `< > : " / \ | ? *`, no trailing dot or space). */
export function metadataFileName(name: string): string {
  // oxlint-disable-next-line no-control-regex -- control characters are exactly what a file name must not carry
  const cleaned = name.replace(/[<>:"/\\|?*\u0000-\u001f]/g, '_').replace(/[. ]+$/, '');
  return cleaned || 'document';
}

/** §12.2: DD.MM.YYYY, a real calendar date. */
export function isMetadataDate(value: string): boolean {
  const m = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1])));
  return d.getUTCDate() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1;
}

/** Why a value does not fit its item, as a dictionary reason, or undefined. */
export function metadataValueProblem(spec: DiadocMetadataSpec, value: string): string | undefined {
  if (spec.id === 'FileName' && (/[<>:"/\\|?*]/.test(value) || /[. ]$/.test(value))) return 'metadata_file_name';
  if (spec.type === 'date' && !isMetadataDate(value)) return 'metadata_date';
  if (spec.type === 'integer' && !/^-?\d+$/.test(value)) return 'metadata_integer';
  if (spec.type === 'decimal' && !/^-?\d+(?:[.,]\d+)?$/.test(value)) return 'metadata_decimal';
  if (spec.type === 'time' && !/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) return 'metadata_time';
  return undefined;
}
