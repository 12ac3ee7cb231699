/** Words for a send's recipient and preview, kept as data in the history (renderer/history/labels.ts); merged by ru.ts and en.ts. */
export const labelsRu = {
  'recipient.chat': 'чат {id}',
  'recipient.user': 'пользователь {id}',
  'recipient.thread': 'тред {id}',
  'preview.file': 'файл',
};

export const labelsEn: Record<keyof typeof labelsRu, string> = {
  'recipient.chat': 'chat {id}',
  'recipient.user': 'user {id}',
  'recipient.thread': 'thread {id}',
  'preview.file': 'file',
};
