import type { OutgoingMessage } from '../../shared/messages/index.ts';
import type { ProviderId } from '../../shared/providers.ts';
import { diadocAdapter } from './diadoc.ts';
import { greenApiAdapter } from './green-api.ts';
import { marketAdapter } from './market.ts';
import { pachcaAdapter } from './pachca.ts';
import type { ProviderAdapter } from './types.ts';

type AdapterFor<P extends ProviderId> = ProviderAdapter<Extract<OutgoingMessage, { provider: P }>>;

export const adapters: { [P in ProviderId]: AdapterFor<P> } = {
  pachca: pachcaAdapter,
  diadoc: diadocAdapter,
  market: marketAdapter,
  greenapi: greenApiAdapter,
};

/** The adapter for a message, typed loosely on purpose: the message's `provider` picked it. */
export function adapterFor(provider: ProviderId): ProviderAdapter<OutgoingMessage> {
  return adapters[provider] as unknown as ProviderAdapter<OutgoingMessage>;
}
