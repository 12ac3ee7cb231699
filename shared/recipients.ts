import { z } from 'zod';
import { sendErrorSchema } from './errors.ts';
import { recipientKinds } from './recipient-kinds.ts';
import { providerIdSchema } from './sends.ts';

/**
 * The read side as the renderer sees it: a directory of whom an account can write to, the
 * conversation with one of them, and what the provider's record says about a send.
 */
const accountId = z.string().min(1).max(64);
/** What a composer puts in its address field(s): a Pachca `discussion:5001` / `user:101`, a Market chat id, a `…@c.us` chat, a box id. */
export const recipientTargetSchema = z.string().min(1).max(200);

export const recipientSchema = z.object({
  accountId,
  provider: providerIdSchema,
  kind: z.enum(recipientKinds),
  target: recipientTargetSchema,
  name: z.string().max(300),
  /** What identifies it beside the name: an order number and status, a phone, an INN/KPP. */
  detail: z.string().max(300),
  lastUsedAt: z.number().optional(),
});
export type Recipient = z.infer<typeof recipientSchema>;

export const directoryStateSchema = z.object({
  /** `unsupported`: the provider (Green-API v1) has no read methods; the address is typed by hand. */
  state: z.enum(['never', 'refreshing', 'ready', 'failed', 'unsupported']),
  count: z.number().int().nonnegative(),
  refreshedAt: z.number().optional(),
  error: sendErrorSchema.optional(),
});
export type DirectoryState = z.infer<typeof directoryStateSchema>;

export const recipientSearchSchema = z.object({
  accountId,
  text: z.string().max(200),
  limit: z.number().int().min(1).max(50).default(20),
});

export const recipientSearchResultSchema = z.object({
  items: z.array(recipientSchema).max(50),
  directory: directoryStateSchema,
  /** The directory's revision this answer read (see `directorySnapshotSchema`). */
  revision: z.string().max(100).optional(),
});

/** Rows of a directory per snapshot page: a page costs the host a few milliseconds, so no send waits behind a copy. */
export const SNAPSHOT_PAGE = 10_000;
/** An empty search lists at most 50 recent and 50 more by name: the first page carries the first 100 by name. */
export const SNAPSHOT_BY_NAME = 100;

/**
 * A page of an account's directory for the picker to search on its own, in columns (row i of each):
 * only what an option shows, in the host index's order. `kinds` is one digit per row, an index into
 * `recipientKinds`; `used` pairs a row of the page with when it was last written to; `byName` (first
 * page only) is the first rows in name order; `next` is the `after` of the following page. `revision`
 * names this state of the directory: pages or a search answer with another one mean the copy is behind.
 */
export const directorySnapshotSchema = z
  .object({
    revision: z.string().max(100),
    provider: providerIdSchema,
    directory: directoryStateSchema,
    targets: z.array(recipientTargetSchema).max(SNAPSHOT_PAGE),
    kinds: z
      .string()
      .regex(/^[0-5]*$/)
      .max(SNAPSHOT_PAGE),
    names: z.array(z.string().max(300)).max(SNAPSHOT_PAGE),
    details: z.array(z.string().max(300)).max(SNAPSHOT_PAGE),
    used: z.array(z.tuple([z.number().int().nonnegative(), z.number()])).max(SNAPSHOT_PAGE),
    byName: z.array(recipientSchema.omit({ accountId: true, provider: true })).max(SNAPSHOT_BY_NAME),
    next: z.number().int().nonnegative().optional(),
  })
  .refine((s) => s.names.length === s.targets.length && s.details.length === s.targets.length && s.kinds.length === s.targets.length, {
    message: 'columns of different lengths',
  });
export type DirectorySnapshot = z.infer<typeof directorySnapshotSchema>;
export type RecipientSearchResult = z.infer<typeof recipientSearchResultSchema>;

export const conversationItemSchema = z.object({
  id: z.string().max(100),
  at: z.number(),
  author: z.string().max(300),
  /** Written from this account (by this app or elsewhere). */
  own: z.boolean(),
  text: z.string().max(20_000),
  files: z.array(z.string().max(500)).max(50),
  /** Our send this message is, when the history knows it. */
  sendId: z.string().max(64).optional(),
  /** Where a document's docflow stands, in the provider's words (Diadoc's `DocflowStatus.PrimaryStatus`). */
  status: z.object({ text: z.string().max(300), severity: z.enum(['info', 'success', 'warning', 'error']) }).optional(),
});
export type ConversationItem = z.infer<typeof conversationItemSchema>;

export const conversationQuerySchema = z.object({ accountId, target: recipientTargetSchema, fresh: z.boolean().optional() });

export const conversationSchema = z.object({
  /** `unsupported`: nothing to read for this provider or form. */
  state: z.enum(['ok', 'unsupported', 'failed']),
  items: z.array(conversationItemSchema).max(200),
  fetchedAt: z.number().optional(),
  fromCache: z.boolean(),
  error: sendErrorSchema.optional(),
});
export type Conversation = z.infer<typeof conversationSchema>;

/**
 * How a send whose outcome was unknown was settled, or what a look at the provider found:
 * `found` (the provider holds a matching message: its id and time), `marked` (the operator said
 * it was sent), `not_found` (nothing matched after the provider's read-after-write delay; the
 * operator decides), `cannot_tell` (the provider offers no way to look: Green-API v1, or a Diadoc send
 * with no operationId recorded).
 */
export const settlementSchema = z.object({
  result: z.enum(['found', 'marked', 'not_found', 'cannot_tell']),
  by: z.enum(['provider', 'operator', 'app']),
  providerMessageId: z.string().max(200).optional(),
  providerAt: z.number().optional(),
  checkedAt: z.number(),
});
export type Settlement = z.infer<typeof settlementSchema>;

/** Something done to a sent message afterwards, with the provider's refusal when it refused. */
export const sendEventSchema = z.object({
  at: z.number(),
  kind: z.enum(['edited', 'deleted']),
  /** The new text of an edit. */
  text: z.string().max(20_000).optional(),
  error: sendErrorSchema.optional(),
});
export type SendEvent = z.infer<typeof sendEventSchema>;
