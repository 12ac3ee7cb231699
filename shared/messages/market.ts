import { z } from 'zod';

// Placeholder until the provider's message is written (issue 3).
export const marketMessageSchema = z.object({ provider: z.literal('market') });
export type MarketMessage = z.infer<typeof marketMessageSchema>;
