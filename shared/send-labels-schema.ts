import { z } from 'zod';
import { capped, generous } from './bounds.ts';
import { previewLimits, recipientKinds, type RecipientLabel, type SendPreview } from './send-labels.ts';

/** Recipient labels and previews as the host hands them over (and as history.sqlite keeps them): read, never cast. */
export const recipientLabelSchema = z.object({ kind: z.enum(recipientKinds), id: capped(generous.label) }) satisfies z.ZodType<
  RecipientLabel,
  unknown
>;

const names = z.array(capped(previewLimits.name)).max(previewLimits.names);
const count = z.number().int().nonnegative();

export const sendPreviewSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: capped(generous.label) }),
  z.object({ kind: z.literal('files'), count, names }),
  z.object({ kind: z.literal('documents'), count, names }),
]) satisfies z.ZodType<SendPreview, unknown>;
