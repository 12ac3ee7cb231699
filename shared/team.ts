import { z } from 'zod';
import { capped, generous, outputList } from './bounds.ts';
import { recipientLabelSchema, sendPreviewSchema } from './send-labels-schema.ts';

/**
 * Team mode as the renderer sees it. Everything here is read from the desktop's uplink; no team
 * channel carries a provider secret, and without a team server configured the answers are empty.
 */
const name = capped(generous.label);

export const teamStatusSchema = z.object({
  /** The build can reach a team server at all (the team link is present). */
  available: z.boolean(),
  configured: z.boolean(),
  server: capped(generous.url).optional(),
  online: z.boolean(),
  /** While offline: when the team view was last current. */
  asOf: z.number().optional(),
  operator: z.object({ id: capped(generous.id * 2), name, teamId: capped(generous.id) }).optional(),
  /** Rows of this desktop the team has not confirmed yet. */
  pending: z.number().int().nonnegative(),
  presence: z.array(z.object({ name, seenAt: z.number(), me: z.boolean() })).max(outputList),
});

export const teamConnectSchema = z.object({
  server: z.url({ protocol: /^https?$/ }).max(2000),
  login: z.string().trim().min(1).max(200),
  password: z.string().min(1).max(1000),
});

export const teamSendSchema = z.object({
  id: capped(generous.id * 2),
  provider: capped(generous.providerId),
  /** The recipient key, as the team server keeps it; `to` is the same recipient as data for the screen. */
  recipient: capped(generous.label),
  to: recipientLabelSchema,
  /** What the send carried, as data: each desktop words it in its own operator's language. */
  preview: sendPreviewSchema,
  status: capped(generous.providerId),
  operatorName: name,
  mine: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type TeamSend = z.infer<typeof teamSendSchema>;

export const teamSendRefSchema = z.object({ id: capped(generous.id * 2) });

/** A colleague's send as the team server has it, with its trail from the audit trail (a detail pane). */
export const teamSendDetailSchema = teamSendSchema.extend({
  providerMessageId: capped(generous.value).optional(),
  /** The cabinet, box or instance the team shares the account by ('' when the provider has none). */
  cabinet: capped(generous.label),
  /** This desktop's own account for the same team account, when it has one. */
  accountName: name.optional(),
  /** When the team server first recorded the send. */
  syncedAt: z.number(),
  trail: z
    .array(z.object({ kind: z.enum(['send', 'status']), status: capped(generous.providerId), operatorName: name, at: z.number() }))
    .max(100),
});
export type TeamSendDetail = z.infer<typeof teamSendDetailSchema>;

export const chatRefSchema = z.object({ accountId: capped(generous.id), recipient: z.string().trim().min(1).max(generous.label) });

export const chatActivitySchema = z.object({
  claimedBy: name.optional(),
  claimedAt: z.number().optional(),
  answeredBy: name.optional(),
  answeredAt: z.number().optional(),
});

export const claimResultSchema = z.union([
  z.object({ ok: z.literal(true), soft: z.boolean() }),
  z.object({ ok: z.literal(false), by: name, since: z.number() }),
]);

export const teamTemplateSchema = z.object({
  id: capped(generous.id * 2),
  name,
  body: z.string().max(10_000),
  version: z.number().int(),
  updatedBy: name,
  updatedAt: z.number(),
});

export const teamTemplateSaveSchema = z.object({
  id: capped(generous.id * 2).optional(),
  name: z.string().trim().min(1).max(200),
  body: z.string().max(10_000),
  /** The version the operator edited; 0 for a new template. */
  baseVersion: z.number().int().min(0),
});

/** Someone saved a newer version (or, `deleted`, deleted the template): nothing is overwritten or deleted unseen. */
const templateConflictSchema = z.object({
  version: z.number().int(),
  body: z.string().max(10_000),
  name,
  by: name,
  deleted: z.literal(true).optional(),
});

export const teamTemplateSaveResultSchema = z.union([
  z.object({ ok: z.literal(true), id: capped(generous.id * 2), version: z.number().int() }),
  z.object({
    ok: z.literal(false),
    /** Shown beside the operator's text. */
    conflict: templateConflictSchema.optional(),
    offline: z.literal(true).optional(),
  }),
]);

export const teamTemplateDeleteSchema = z.object({
  id: capped(generous.id * 2),
  /** The version the operator saw when choosing to delete it. */
  baseVersion: z.number().int().min(1),
});

export const teamTemplateDeleteResultSchema = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), conflict: templateConflictSchema.optional(), offline: z.literal(true).optional() }),
]);

export const teamConflictSchema = z.object({
  kind: z.enum(['claim_refused', 'team']),
  chat: capped(generous.label * 2),
  by: name,
  since: z.number(),
  at: z.number(),
});
