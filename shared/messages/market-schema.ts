import { z } from 'zod';
import { generous, ident, text } from '../bounds.ts';
import { marketKinds, marketLimits } from './market.ts';

/** The shape the host parses a Market send with; what it means and its pairing rules live in market.ts. */
export const marketMessageSchema = z.object({
  provider: z.literal('market'),
  /** The cabinet id; empty means "the account's cabinet". */
  businessId: ident(),
  chatId: ident(),
  kind: z.enum(marketKinds),
  text: text(marketLimits.textMax).optional(),
  /** The handle id of the one file of a `file` send. */
  file: ident(generous.id).optional(),
});
export type MarketMessage = z.infer<typeof marketMessageSchema>;
