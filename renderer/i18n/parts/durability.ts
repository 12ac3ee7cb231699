/** Words for a history that cannot take a write, and for sends the operator can no longer stop; merged by ru.ts and en.ts. */
export const durabilityRu = {
  'unrecorded.label': 'ещё не записано в историю',
  'unrecorded.disk_full': 'Ответ получен, но история не записана: на диске нет места. Приложение повторяет запись; освободите место.',
  'unrecorded.locked': 'Ответ получен, но история не записана: база занята другой программой. Приложение повторяет запись.',
  'unrecorded.read_only': 'Ответ получен, но история не записана: файл истории доступен только для чтения. Приложение повторяет запись.',
  'unrecorded.io_error': 'Ответ получен, но история не записана: ошибка диска. Приложение повторяет запись.',
  'unrecorded.holder': 'Базу держит: {holder}',
  'reason.in_flight': 'Отправка уже в пути к провайдеру; её нельзя отменить или перенести. Результат появится через мгновение',
  'reason.history_disk_full': 'История не записывается: на диске нет места',
  'reason.history_locked': 'История не записывается: база занята другой программой',
  'reason.history_read_only': 'История не записывается: файл доступен только для чтения',
  'reason.history_io_error': 'История не записывается: ошибка диска',
} as const;

export const durabilityEn: Record<keyof typeof durabilityRu, string> = {
  'unrecorded.label': 'not yet recorded in the history',
  'unrecorded.disk_full': 'The answer came, but the history could not record it: the disk is full. The app keeps trying; free some space.',
  'unrecorded.locked': 'The answer came, but the history could not record it: another program holds the database. The app keeps trying.',
  'unrecorded.read_only': 'The answer came, but the history could not record it: the history file is read-only. The app keeps trying.',
  'unrecorded.io_error': 'The answer came, but the history could not record it: a disk error. The app keeps trying.',
  'unrecorded.holder': 'Held by: {holder}',
  'reason.in_flight': 'The send is already on its way to the provider; it cannot be cancelled or moved. Its outcome follows in a moment',
  'reason.history_disk_full': 'The history cannot be written: the disk is full',
  'reason.history_locked': 'The history cannot be written: another program holds the database',
  'reason.history_read_only': 'The history cannot be written: the file is read-only',
  'reason.history_io_error': 'The history cannot be written: a disk error',
};
