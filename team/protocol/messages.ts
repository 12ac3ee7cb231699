import { z } from 'zod';
import { sendPreviewSchema } from '../../shared/send-labels-schema.ts';

/**
 * Every message team mode puts on NATS, as a schema. Both sides parse what they read with these
 * (the server what a desktop published, the desktop what the stream and the buckets deliver):
 * nothing that crosses the wire is cast.
 */
const text = (max: number) => z.string().max(max);
const id = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);

/**
 * A send's summary or a later status, published by its own operator to `sends.<operatorId>.<id>`
 * with the message id `sendMsgId(row)`: the stream refuses a replay within its duplicate window, and
 * every reader folds by id keeping the newest `updatedAt`, so a replay after it changes nothing either.
 * Who sent it is the subject's operator, never a field.
 */
export const sendRecordSchema = z.object({
  id,
  provider: text(32),
  account: text(512),
  chat: text(512),
  recipient: text(512),
  preview: text(500),
  previewData: sendPreviewSchema.optional().catch(undefined),
  status: text(32),
  providerMessageId: text(256).optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type SendRecord = z.infer<typeof sendRecordSchema>;
export const sendMsgId = (r: Pick<SendRecord, 'id' | 'updatedAt' | 'status'>): string => `${r.id}@${r.updatedAt}:${r.status}`;

/** `claims` bucket value: who answers a chat, until when. Only the service writes it. */
export const claimValueSchema = z.object({
  chat: text(512),
  operatorId: id,
  operatorName: text(200),
  claimedAt: z.number(),
  expiresAt: z.number(),
});
export type ClaimValue = z.infer<typeof claimValueSchema>;

/**
 * `templates` bucket value. A delete leaves a tombstone naming who deleted which version, so an
 * edit made meanwhile is told who took it away. `requestId` makes a save retried after a lost
 * answer succeed instead of conflicting with itself.
 */
export const templateValueSchema = z.object({
  id,
  name: text(200),
  body: text(10_000),
  version: z.number().int().min(0),
  updatedBy: text(200),
  updatedAt: z.number(),
  requestId: z.string().max(128).optional(),
  deletedBy: text(200).optional(),
});
export type TemplateValue = z.infer<typeof templateValueSchema>;

/** `presence` bucket value under the operator's own key. */
export const presenceValueSchema = z.object({ seenAt: z.number() });

/** `operators` bucket value: the name the server knows an operator id by. */
export const operatorValueSchema = z.object({ name: text(200) });

/** One entry of the audit trail (`audit.<kind>.<operatorId>`), message id = `id` (deterministic). */
export const auditEntrySchema = z.object({
  id: z.string().max(600),
  kind: z.enum(['send', 'status', 'conflict', 'claim', 'release', 'template', 'template_delete']),
  /** A send id, a chat, or a template id. */
  subject: text(600),
  operatorId: id,
  operatorName: text(200),
  detail: z.record(z.string(), z.unknown()),
  at: z.number(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

// ---- The service's requests (`svc.<operatorId>.<method>`) and answers ----

export const claimRequestSchema = z.object({
  chat: text(512),
  ttlMs: z
    .number()
    .int()
    .min(1_000)
    .max(24 * 3_600_000),
  /** Set when the claim was made while offline: soft until the server settles it here. */
  offlineAt: z.number().optional(),
});
export const claimAnswerSchema = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), by: z.string(), since: z.number() }),
]);

export const releaseRequestSchema = z.object({ chat: text(512) });
export const releaseAnswerSchema = z.object({ ok: z.literal(true) });

export const templateSaveRequestSchema = z.object({
  id,
  name: text(200),
  body: text(10_000),
  /** The version this edit was made from; 0 for a new template. */
  baseVersion: z.number().int().min(0),
  requestId: z.string().min(1).max(128),
});
const templateConflictSchema = z.object({
  version: z.number(),
  body: z.string(),
  name: z.string(),
  by: z.string(),
  deleted: z.literal(true).optional(),
});
export const templateSaveAnswerSchema = z.union([
  z.object({ ok: z.literal(true), version: z.number() }),
  z.object({ ok: z.literal(false), conflict: templateConflictSchema }),
]);

export const templateDeleteRequestSchema = z.object({ id, baseVersion: z.number().int().min(1) });
export const templateDeleteAnswerSchema = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), conflict: templateConflictSchema }),
]);

/** Any request the service could not read or serve: the desktop keeps the write and says so. */
export const serviceErrorSchema = z.object({ ok: z.literal(false), error: z.enum(['invalid', 'internal']) });

// ---- Sign-in over HTTP (the API): the desktop's NATS user key in, a JWT for it out ----

/** The desktop makes its own NATS user key pair; only the public key ever leaves it. */
export const natsKeySchema = z.string().regex(/^U[A-Z2-7]{55}$/);

export const signInAnswerSchema = z.object({
  token: z.string(),
  expiresAt: z.number(),
  refreshToken: z.string(),
  operator: z.object({ id, name: z.string(), teamId: z.string() }),
  nats: z.object({
    /** Where desktops reach NATS (nats://… on loopback, tls://… outside it). */
    url: z.string(),
    /** A user JWT for the desktop's key in the team's account, expiring with the access token. */
    jwt: z.string(),
  }),
});
export type SignInAnswer = z.infer<typeof signInAnswerSchema>;
