import { z } from 'zod';
import { capped, generous, outputList } from './bounds.ts';
import { sendErrorSchema } from './errors.ts';
import { providerIds } from './providers.ts';
import { recipientLabelSchema, sendPreviewSchema } from './send-labels-schema.ts';
import { sendStatuses } from './send-statuses.ts';

export const providerIdSchema = z.enum(providerIds);
export const sendStatusSchema = z.enum(sendStatuses);

/** Why the history could not take a write: shown with a send whose outcome is known but not yet recorded. */
export const writeCauses = ['disk_full', 'locked', 'read_only', 'io_error'] as const;
export const writeCauseSchema = z.enum(writeCauses);

/** A file the main process registered: the renderer refers to files only by this handle. */
export const fileHandleSchema = z.object({
  id: z.string().regex(/^f_[A-Za-z0-9_-]{8,64}$/),
  name: capped(generous.label),
  size: z.number().int().nonnegative(),
  type: capped(generous.providerId),
  sha256: capped(64),
});
export type FileHandle = z.infer<typeof fileHandleSchema>;

/** Bodies are capped at 16 KB where they are recorded (electron/providers/http.ts); this bound leaves room for the note. */
const exchangeBodyMax = 20_000;

/** What the history shows of one HTTP exchange: already redacted, bodies capped. */
export const exchangeSchema = z.object({
  method: capped(16),
  url: capped(generous.url),
  requestHeaders: z.record(capped(generous.providerId), capped(generous.url)),
  requestBody: capped(exchangeBodyMax),
  status: z.number().int().optional(),
  responseHeaders: z.record(capped(generous.providerId), capped(generous.url)).optional(),
  responseBody: capped(exchangeBodyMax).optional(),
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
  exchanges: z.array(exchangeSchema).max(outputList),
});
export type Attempt = z.infer<typeof attemptSchema>;

export const sendSummarySchema = z.object({
  id: capped(generous.id),
  provider: providerIdSchema,
  accountId: capped(generous.id),
  accountName: capped(generous.label),
  sandbox: z.boolean(),
  status: sendStatusSchema,
  /** The key sends to one recipient share (recipientKey in send-labels.ts): for matching, never shown. */
  recipient: capped(generous.label),
  /** Whom it went to, as data the screen words in the operator's language. */
  to: recipientLabelSchema,
  /** The directory's name for the recipient, when it knows one (shown beside the id). */
  recipientName: capped(generous.label).optional(),
  preview: sendPreviewSchema,
  createdAt: z.number(),
  updatedAt: z.number(),
  scheduledAt: z.number().optional(),
  nextAttemptAt: z.number().optional(),
  providerMessageId: capped(generous.providerId).optional(),
  error: sendErrorSchema.optional(),
  attemptCount: z.number().int(),
  /** Sends made together (Market text + file) share a group id. */
  groupId: capped(generous.id).optional(),
  /** The send this one repeats ("send again") or replaces (an edited scheduled send). */
  resendOf: capped(generous.id).optional(),
  /**
   * The provider answered (the status above is its outcome) but the history has not taken it yet;
   * the app keeps retrying. `holder` names another program holding the database, where known.
   */
  unrecorded: z.object({ cause: writeCauseSchema, holder: capped(generous.label).optional() }).optional(),
});
export type SendSummary = z.infer<typeof sendSummarySchema>;
