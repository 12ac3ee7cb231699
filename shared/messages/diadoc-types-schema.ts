import { z } from 'zod';
import { metadataItemTypes } from './diadoc-types.ts';

/** The shapes the host keeps a box's document types in (diadoc.md §12.2); the built-in table lives in diadoc-types.ts. */
export const diadocMetadataSpecSchema = z.object({
  id: z.string().max(100),
  type: z.enum(metadataItemTypes),
  required: z.boolean(),
  source: z.enum(['content', 'user']),
});
export type DiadocMetadataSpec = z.infer<typeof diadocMetadataSpecSchema>;

export const diadocTypeInfoSchema = z.object({
  typeNamedId: z.string().max(200),
  title: z.string().max(500),
  /** Function names; a type with more than one needs the operator to pick. */
  functions: z.array(z.string().max(100)).max(50),
  /** The sender's title (index 0) items of the actual version. */
  metadata: z.array(diadocMetadataSpecSchema).max(100),
});
export type DiadocTypeInfo = z.infer<typeof diadocTypeInfoSchema>;

export const diadocTypesReplySchema = z.object({
  types: z.array(diadocTypeInfoSchema).max(1000),
  /** `box`: the box's own list; `builtin`: the table below, because the box could not be asked. */
  source: z.enum(['box', 'builtin']),
  fetchedAt: z.number().optional(),
});
export type DiadocTypesReply = z.infer<typeof diadocTypesReplySchema>;
