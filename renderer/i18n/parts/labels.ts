/** Words for recipients and previews the main process stored in its own terms; merged by ru.ts and en.ts. */
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
