/**
 * The document types the Diadoc simulator's boxes offer, in the shape `GET /V3/GetDocumentTypes`
 * answers (`GetDocumentTypesResponseV3`, [SPEC] `Documents/Types/DocumentTypeDescriptionV3.proto`;
 * diadoc.md §12.2). The simulator checks every posted document against this table, so the rules a
 * type's metadata follows live in one place and reach the app only over HTTP.
 *
 * Where the sheet leaves the list open (§12.8 q1, and no list at all for Contract and its kin), the
 * table takes the strictest reading:
 * - Nonformalized takes `FileName` only, required and passed in the call (§12.2: "Невозможно
 *   получить данные по ключу: FileName"); whether DocumentNumber/DocumentDate are accepted is open,
 *   so they are refused as odd.
 * - Contract, SupplementaryAgreement and ProformaInvoice take `FileName`, `DocumentNumber` and
 *   `DocumentDate` (the keys §7 names as examples), all required.
 * - Formalised types (УПД, УКД, XML acts and ТОРГ-12, счета-фактуры) take every item from their
 *   content (`Source: 0`), so any metadata in the call is odd (§12.2, diadocsdk-csharp#630, #933).
 */

/** `DocumentMetadataItemV2.Type` (§12.2). */
export const MetadataType = { String: 0, Integer: 1, Decimal: 2, Date: 3, Time: 4 } as const;
/** `DocumentMetadataItemV2.Source` (§12.2): 0 read from the content, 1 passed in the API call. */
export const MetadataSource = { Content: 0, User: 1 } as const;

export interface SimMetadataItem {
  Id: string;
  Type: number;
  IsRequired: boolean;
  Source: number;
}

interface TypeSpec {
  name: string;
  title: string;
  formal: boolean;
  functions: readonly { name: string; versions: readonly string[] }[];
  metadata: readonly SimMetadataItem[];
}

const user = (Id: string, Type: number, IsRequired: boolean): SimMetadataItem => ({ Id, Type, IsRequired, Source: MetadataSource.User });
const fromContent = (Id: string, Type: number): SimMetadataItem => ({ Id, Type, IsRequired: true, Source: MetadataSource.Content });

const fileName = user('FileName', MetadataType.String, true);
const numberAndDate = [user('DocumentNumber', MetadataType.String, true), user('DocumentDate', MetadataType.Date, true)];
const contentItems = [
  fromContent('FileName', MetadataType.String),
  fromContent('DocumentNumber', MetadataType.String),
  fromContent('DocumentDate', MetadataType.Date),
];
const one = (version: string) => [{ name: 'default', versions: [version] }];

const specs: readonly TypeSpec[] = [
  { name: 'Nonformalized', title: 'Неформализованный документ', formal: false, functions: one('v1'), metadata: [fileName] },
  { name: 'Contract', title: 'Договор', formal: false, functions: one('v1'), metadata: [fileName, ...numberAndDate] },
  {
    name: 'SupplementaryAgreement',
    title: 'Дополнительное соглашение',
    formal: false,
    functions: one('v1'),
    metadata: [fileName, ...numberAndDate],
  },
  { name: 'ProformaInvoice', title: 'Счёт на оплату', formal: false, functions: one('v1'), metadata: [fileName, ...numberAndDate] },
  {
    name: 'UniversalTransferDocument',
    title: 'УПД',
    formal: true,
    functions: ['СЧФ', 'ДОП', 'СЧФДОП'].map((name) => ({ name, versions: ['utd970_05_03_01', 'utd820_05_01_02_hyphen'] })),
    metadata: contentItems,
  },
  {
    name: 'UniversalTransferDocumentRevision',
    title: 'Исправление УПД',
    formal: true,
    functions: ['СЧФ', 'ДОП', 'СЧФДОП'].map((name) => ({ name, versions: ['utd970_05_03_01'] })),
    metadata: contentItems,
  },
  {
    name: 'UniversalCorrectionDocument',
    title: 'УКД',
    formal: true,
    functions: ['КСЧФ', 'ДИС', 'КСЧФДИС'].map((name) => ({ name, versions: ['ucd736_05_01_02'] })),
    metadata: contentItems,
  },
  { name: 'XmlAcceptanceCertificate', title: 'Акт в XML-формате', formal: true, functions: one('rezru_05_01_01'), metadata: contentItems },
  { name: 'XmlTorg12', title: 'ТОРГ-12 в XML-формате', formal: true, functions: one('tovtorg_05_01_02'), metadata: contentItems },
  { name: 'Invoice', title: 'Счёт-фактура', formal: true, functions: one('invoice_05_02_01'), metadata: contentItems },
];

export interface SimDocumentType {
  name: string;
  title: string;
  formal: boolean;
  functions: readonly string[];
  /** Title 0's items (the sender's title), whatever the function and version. */
  metadata: readonly SimMetadataItem[];
}

/** Looks a type up without regard to case: the sheet's own example writes `nonformalized` (§9). */
export function simDocumentType(name: string): SimDocumentType | undefined {
  const wanted = name.trim().toLowerCase();
  const spec = specs.find((s) => s.name.toLowerCase() === wanted);
  return (
    spec && {
      name: spec.name,
      title: spec.title,
      formal: spec.formal,
      functions: spec.functions.map((f) => f.name),
      metadata: spec.metadata,
    }
  );
}

/** The `GetDocumentTypesResponseV3` body for a box. */
export function documentTypesResponse(): { DocumentTypes: unknown[] } {
  return {
    DocumentTypes: specs.map((s) => ({
      Name: s.name,
      Title: s.title,
      SupportedDocflows: [0],
      RequiresFnsRegistration: s.name === 'Invoice' || s.name.startsWith('Universal'),
      UniversalMessagesStartDate: '2025-01-01',
      Functions: s.functions.map((f) => ({
        Name: f.name,
        Versions: f.versions.map((v, i) => ({
          Version: v,
          SupportsContentPatching: false,
          SupportsEncrypting: s.formal,
          SupportsPredefinedRecipientTitle: false,
          SupportsAmendmentRequest: false,
          IsActual: i === 0,
          Workflows: [{ Id: 1, IsDefault: true }],
          Titles: [
            {
              Index: 0,
              IsFormal: s.formal,
              // SignerType 0: only a detached signature, as non-formalised documents are signed (§12.2).
              SignerInfo: { SignerType: s.formal ? 1 : 0, ExtendedDocumentTitleType: -1 },
              MetadataItems: s.metadata,
              EncryptedMetadataItems: [],
            },
          ],
        })),
      })),
    })),
  };
}
