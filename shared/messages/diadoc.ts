import { z } from 'zod';

// Placeholder until the provider's message is written (issue 3).
export const diadocMessageSchema = z.object({ provider: z.literal('diadoc') });
export type DiadocMessage = z.infer<typeof diadocMessageSchema>;
