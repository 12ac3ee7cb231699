/** Market composer words; merged into the one dictionary by ru.ts and en.ts. */
export const marketRu = {
  'market.businessId': 'ID кабинета (businessId)',
  'market.chatId': 'ID чата с покупателем',
  'market.text': 'Текст сообщения',
  'market.file': 'Файл до 5 МБ: перетащите, вставьте или выберите',
  'market.twoSends': 'Текст и файл уйдут двумя отправками, связанными в истории.',
  'field.businessId': 'ID кабинета',
  'field.chatId': 'ID чата',
} as const;

export const marketEn: Record<keyof typeof marketRu, string> = {
  'market.businessId': 'Business id',
  'market.chatId': 'Buyer chat id',
  'market.text': 'Message text',
  'market.file': 'A file up to 5 MB: drop, paste or choose',
  'market.twoSends': 'Text and file go as two sends, linked in the history.',
  'field.businessId': 'Business id',
  'field.chatId': 'Chat id',
};
