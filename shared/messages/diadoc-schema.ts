import { z } from 'zod';
import { generous, ident, text } from '../bounds.ts';
import { diadocLimits } from './diadoc.ts';

/** The shape the host parses a Diadoc message with; its limits and rules live in diadoc.ts. */
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
