import { z } from 'zod';
import { sendPreviewSchema } from '../../shared/send-labels-schema.ts';

/** The journal's rows as stored on disk, parsed on the way back in. */
export const teamSendRowSchema = z.object({
  id: z.string(),
  provider: z.string(),
  account: z.string(),
  chat: z.string(),
  recipient: z.string(),
  preview: z.string(),
  previewData: sendPreviewSchema.optional(),
  status: z.string(),
  providerMessageId: z.string().optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

export const settledClaimSchema = z.object({ chat: z.string(), by: z.string().optional(), since: z.number().optional() });
