import { z } from 'zod';
import { diadocMessageSchema } from './diadoc-schema.ts';
import { greenApiMessageSchema } from './green-api-schema.ts';
import { marketMessageSchema } from './market-schema.ts';
import { pachcaMessageSchema } from './pachca-schema.ts';

/** Every message a composer can produce, told apart by `provider`: what the host parses a send with. */
export const outgoingMessageSchema = z.discriminatedUnion('provider', [
  pachcaMessageSchema,
  diadocMessageSchema,
  marketMessageSchema,
  greenApiMessageSchema,
]);
export type OutgoingMessage = z.infer<typeof outgoingMessageSchema>;
