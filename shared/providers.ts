// Plain data: the renderer's first chunk reads these, so no schema lives here (the schema is in sends.ts).
export const providerIds = ['pachca', 'diadoc', 'market', 'greenapi'] as const;
export type ProviderId = (typeof providerIds)[number];

/** Official base URLs; an account may override them (staging, corporate proxy, sandbox). */
export const officialBaseUrls: Record<ProviderId, string> = {
  pachca: 'https://api.pachca.com/api/shared/v1',
  diadoc: 'https://diadoc-api.kontur.ru',
  market: 'https://api.partner.market.yandex.ru',
  greenapi: 'https://api.green-api.com',
};
