import type { ProviderId } from '../../../shared/providers.ts';
import type { ProviderReader } from '../reader.ts';
import { diadocReader } from './diadoc.ts';
import { greenApiReader } from './green-api.ts';
import { marketReader } from './market.ts';
import { pachcaReader } from './pachca.ts';

export const readers: Record<ProviderId, ProviderReader> = {
  pachca: pachcaReader,
  market: marketReader,
  greenapi: greenApiReader,
  diadoc: diadocReader,
};
