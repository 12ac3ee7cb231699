import { z } from 'zod';
import { diadocMessageSchema } from './diadoc.ts';
import { greenApiMessageSchema } from './green-api.ts';
import { marketMessageSchema } from './market.ts';
import { pachcaMessageSchema } from './pachca.ts';

/** Every message a composer can produce, told apart by `provider`. */
export const outgoingMessageSchema = z.discriminatedUnion('provider', [pachcaMessageSchema, diadocMessageSchema, marketMessageSchema, greenApiMessageSchema]);
export type OutgoingMessage = z.infer<typeof outgoingMessageSchema>;
