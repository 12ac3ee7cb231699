import { z } from 'zod';
import { sendErrorSchema } from './errors.ts';
import { providerIdSchema } from './providers.ts';

export const sendStatuses = ['scheduled', 'pending', 'sending', 'waiting', 'sent', 'failed', 'outcome_unknown', 'cancelled'] as const;
export const sendStatusSchema = z.enum(sendStatuses);
export type SendStatus = z.infer<typeof sendStatusSchema>;

/** Statuses a send never leaves (DESIGN.md "Send states"). */
export const finalStatuses: ReadonlySet<SendStatus> = new Set(['sent', 'failed', 'cancelled']);

/** A file the main process registered: the renderer refers to files only by this handle. */
export const fileHandleSchema = z.object({
  id: z.string().regex(/^f_[A-Za-z0-9_-]{8,64}$/),
  name: z.string(),
  size: z.number().int().nonnegative(),
  type: z.string(),
  sha256: z.string(),
});
export type FileHandle = z.infer<typeof fileHandleSchema>;

/** What the history shows of one HTTP exchange: already redacted, bodies capped. */
export const exchangeSchema = z.object({
  method: z.string(),
  url: z.string(),
  requestHeaders: z.record(z.string(), z.string()),
  requestBody: z.string(),
  status: z.number().int().optional(),
  responseHeaders: z.record(z.string(), z.string()).optional(),
  responseBody: z.string().optional(),
  startedAt: z.number(),
  durationMs: z.number(),
});
export type Exchange = z.infer<typeof exchangeSchema>;

export const attemptSchema = z.object({
  n: z.number().int(),
  startedAt: z.number(),
  endedAt: z.number().optional(),
  outcome: z.enum(['sent', 'failed', 'retry', 'unknown', 'running']),
  error: sendErrorSchema.optional(),
  exchanges: z.array(exchangeSchema),
});
export type Attempt = z.infer<typeof attemptSchema>;

export const sendSummarySchema = z.object({
  id: z.string(),
  provider: providerIdSchema,
  accountId: z.string(),
  accountName: z.string(),
  sandbox: z.boolean(),
  status: sendStatusSchema,
  recipient: z.string(),
  preview: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  scheduledAt: z.number().optional(),
  nextAttemptAt: z.number().optional(),
  providerMessageId: z.string().optional(),
  error: sendErrorSchema.optional(),
  attemptCount: z.number().int(),
  /** Sends made together (Market text + file) share a group id. */
  groupId: z.string().optional(),
  /** The send this one repeats ("send again") or replaces (an edited scheduled send). */
  resendOf: z.string().optional(),
});
export type SendSummary = z.infer<typeof sendSummarySchema>;
