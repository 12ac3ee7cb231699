import { z } from 'zod';

// Placeholder until the provider's message is written (issue 3).
export const pachcaMessageSchema = z.object({ provider: z.literal('pachca') });
export type PachcaMessage = z.infer<typeof pachcaMessageSchema>;
