import type { DiadocDocument, DiadocMessage } from './diadoc-schema.ts';
import {
  diadocBuiltinTypes,
  diadocDocumentType,
  metadataFileName,
  metadataValueProblem,
  passedMetadata,
  type DiadocTypeInfo,
} from './diadoc-types.ts';
import type { FieldProblem } from './problems.ts';

export { diadocBuiltinTypes, diadocDocumentType, metadataFileName, passedMetadata } from './diadoc-types.ts';
export type { DiadocMetadataSpec, DiadocTypeInfo } from './diadoc-types.ts';
// Only the types of the zod shape come here, erased at build, so the composer's bundle carries no schema.
export type { DiadocDocument, DiadocMessage } from './diadoc-schema.ts';

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
 * - Documents above the 500 KB inline advice go to the shelf first (§12.3), so the 70 MB request
 *   limit counts only the inline ones.
 * - Signatures (§12.2): a message that is neither a draft nor delayed needs a detached signature for
 *   every document; a draft or delayed one carries none (it is signed later in Diadoc).
 * - Metadata (§12.2): only the items a type takes from the call; `FileName` is filled from the file
 *   when the operator leaves it out, so it is never asked for.
 */
export const diadocLimits = {
  documentsMax: 40,
  /** The whole request, JSON and base64 included; "70 MB" read as 70 000 000 bytes, the smaller reading. */
  requestBytesMax: 70_000_000,
  /** Above this Kontur advises a shelf upload (§7), and the adapter puts the document there. */
  inlineAdviceBytes: 500 * 1024,
  /** §12.3: a file in parts on the shelf is at most 400 MB. */
  shelfFileBytesMax: 400_000_000,
  commentMax: 5000,
  boxIdMax: 100,
} as const;

/** Box ids appear as dashed GUIDs and as `<hex>@diadoc.ru`; both are plain tokens without spaces. */
export const boxIdPattern = /^[A-Za-z0-9_.@{}-]+$/;

function checkBox(problems: FieldProblem[], field: string, value: string): void {
  const v = value.trim();
  if (!v) problems.push({ field, reason: 'required' });
  else if (v.length > diadocLimits.boxIdMax) problems.push({ field, reason: 'too_long', limit: diadocLimits.boxIdMax });
  else if (!boxIdPattern.test(v)) problems.push({ field, reason: 'bad_box_id' });
}

/** Whether the message goes to the recipient now (and so must be signed) rather than waiting in Diadoc. */
export function deliversNow(msg: Pick<DiadocMessage, 'isDraft' | 'delaySend'>): boolean {
  return !msg.isDraft && !msg.delaySend;
}

function checkSignature(problems: FieldProblem[], doc: DiadocDocument, at: string, signedNeeded: boolean): void {
  const signed = doc.signatureFile !== undefined;
  if (signed && !doc.signatureFile!.trim()) problems.push({ field: `${at}.signatureFile`, reason: 'required' });
  else if (signedNeeded && !signed) problems.push({ field: `${at}.signatureFile`, reason: 'signature_required' });
  else if (!signedNeeded && signed) problems.push({ field: `${at}.signatureFile`, reason: 'signature_in_draft' });
}

/** §12.2: the keys a type takes from the call, nothing it reads from the content, values in their format. */
function checkMetadata(problems: FieldProblem[], doc: DiadocDocument, at: string, type: DiadocTypeInfo | undefined): void {
  const items = doc.metadata ?? [];
  items.forEach((item, j) => {
    // MetadataItem's Key and Value are both `required` and non-empty (proto, DocumentAttachment.rst).
    if (!item.key.trim()) problems.push({ field: `${at}.metadata.${j}.key`, reason: 'required' });
    if (!item.value.trim()) problems.push({ field: `${at}.metadata.${j}.value`, reason: 'required' });
  });
  if (!type) return;
  for (const item of items) {
    const key = item.key.trim();
    if (!key || !item.value.trim()) continue;
    const spec = type.metadata.find((m) => m.id === key);
    if (!spec) problems.push({ field: `${at}.meta.${key}`, reason: 'metadata_odd' });
    else if (spec.source === 'content') problems.push({ field: `${at}.meta.${key}`, reason: 'metadata_from_content' });
    else {
      const bad = metadataValueProblem(spec, item.value.trim());
      if (bad) problems.push({ field: `${at}.meta.${key}`, reason: bad });
    }
  }
  for (const spec of passedMetadata(type)) {
    if (!spec.required || spec.id === 'FileName') continue;
    if (!items.some((m) => m.key.trim() === spec.id && m.value.trim()))
      problems.push({ field: `${at}.meta.${spec.id}`, reason: 'metadata_required' });
  }
}

function checkDocument(
  problems: FieldProblem[],
  doc: DiadocDocument,
  at: string,
  types: readonly DiadocTypeInfo[],
  signedNeeded: boolean,
): void {
  if (!doc.file.trim()) problems.push({ field: `${at}.file`, reason: 'required' });
  checkSignature(problems, doc, at, signedNeeded);
  if (!doc.typeNamedId.trim()) problems.push({ field: `${at}.typeNamedId`, reason: 'required' });
  const type = diadocDocumentType(doc.typeNamedId, types);
  const fn = doc.function?.trim() ?? '';
  if (type && type.functions.length > 1) {
    if (!fn) problems.push({ field: `${at}.function`, reason: 'required' });
    else if (!type.functions.includes(fn)) problems.push({ field: `${at}.function`, reason: 'unknown_function' });
  } else if (type && fn && fn !== 'default') problems.push({ field: `${at}.function`, reason: 'unknown_function' });
  if (doc.comment !== undefined && doc.comment.length > diadocLimits.commentMax)
    problems.push({ field: `${at}.comment`, reason: 'too_long', limit: diadocLimits.commentMax });
  checkMetadata(problems, doc, at, type);
}

/**
 * Every rule the composer shows live and the host enforces again before anything is sent, against
 * the box's document types (the built-in table when they are not known).
 */
export function checkDiadocMessage(msg: DiadocMessage, types: readonly DiadocTypeInfo[] = diadocBuiltinTypes): FieldProblem[] {
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
    checkDocument(problems, doc, `documents.${i}`, types, deliversNow(msg));
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

/**
 * The message as it goes out: every document whose type takes `FileName` from the call and has none
 * gets its file's name (§12.2: Nonformalized without it is refused). Other metadata is left as typed.
 */
export function withFileNames(
  msg: DiadocMessage,
  nameOf: (fileId: string) => string | undefined,
  types: readonly DiadocTypeInfo[] = diadocBuiltinTypes,
): DiadocMessage {
  return {
    ...msg,
    documents: msg.documents.map((d) => {
      const type = diadocDocumentType(d.typeNamedId, types);
      const takesFileName = type && passedMetadata(type).some((m) => m.id === 'FileName');
      if (!takesFileName || (d.metadata ?? []).some((m) => m.key.trim() === 'FileName' && m.value.trim())) return d;
      const name = nameOf(d.file);
      return name ? { ...d, metadata: [...(d.metadata ?? []), { key: 'FileName', value: metadataFileName(name) }] } : d;
    }),
  };
}
