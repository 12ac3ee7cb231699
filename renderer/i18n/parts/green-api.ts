/** Green-API account words: an instance names its own apiUrl. */
export const greenApiRu = {
  'accounts.apiUrl': 'apiUrl инстанса',
  'accounts.apiUrlHint': 'Адрес из консоли Green-API: у каждого инстанса свой, общего по умолчанию нет.',
} as const;

export const greenApiEn: Record<keyof typeof greenApiRu, string> = {
  'accounts.apiUrl': 'Instance apiUrl',
  'accounts.apiUrlHint': 'The address from the Green-API console: every instance has its own, there is no shared default.',
};
