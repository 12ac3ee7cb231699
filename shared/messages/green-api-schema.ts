import { z } from 'zod';
import { ident, text } from '../bounds.ts';
import { greenApiLimits } from './green-api.ts';

/** The shape the host parses a Green-API message with; its limits and rules live in green-api.ts. */
export const greenApiMessageSchema = z.object({
  provider: z.literal('greenapi'),
  recipientType: z.enum(['individual', 'group']),
  to: ident(),
  text: text(Math.max(...Object.values(greenApiLimits.textMax))),
});
export type GreenApiMessage = z.infer<typeof greenApiMessageSchema>;
