import { z } from 'zod';

export const providerIds = ['pachca', 'diadoc', 'market', 'greenapi'] as const;
export const providerIdSchema = z.enum(providerIds);
export type ProviderId = z.infer<typeof providerIdSchema>;

/** Official base URLs; an account may override them (staging, corporate proxy, sandbox). */
export const officialBaseUrls: Record<ProviderId, string> = {
  pachca: 'https://api.pachca.com/api/shared/v1',
  diadoc: 'https://diadoc-api.kontur.ru',
  market: 'https://api.partner.market.yandex.ru',
  greenapi: 'https://api.green-api.com',
};
