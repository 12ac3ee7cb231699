import type { Plural } from '../plural.ts';

/**
 * Every message whose noun follows a count, in each language's plural forms (chosen by
 * Intl.PluralRules from `count`); merged by ru.ts and en.ts.
 */
export const countsRu = {
  'files.adding': {
    one: 'Добавляем {count} файл…',
    few: 'Добавляем {count} файла…',
    many: 'Добавляем {count} файлов…',
    other: 'Добавляем {count} файла…',
  },
  'accounts.imported': {
    one: 'Импортирован {count} аккаунт. Задайте ему токен.',
    few: 'Импортировано {count} аккаунта. Задайте им токены.',
    many: 'Импортировано {count} аккаунтов. Задайте им токены.',
    other: 'Импортировано {count} аккаунта. Задайте им токены.',
  },
  'history.filesMissing': {
    one: '{count} файла больше нет на диске в том виде, в каком он ушёл. Прикрепите его заново.',
    few: '{count} файлов больше нет на диске в том виде, в каком они ушли. Прикрепите их заново.',
    many: '{count} файлов больше нет на диске в том виде, в каком они ушли. Прикрепите их заново.',
    other: '{count} файла больше нет на диске в том виде, в каком они ушли. Прикрепите их заново.',
  },
  'directory.ready': {
    one: 'Справочник: {count} получатель · обновлён {time}',
    few: 'Справочник: {count} получателя · обновлён {time}',
    many: 'Справочник: {count} получателей · обновлён {time}',
    other: 'Справочник: {count} получателя · обновлён {time}',
  },
  'count.documents': { one: '{count} документ', few: '{count} документа', many: '{count} документов', other: '{count} документа' },
  'count.files': { one: '{count} файл', few: '{count} файла', many: '{count} файлов', other: '{count} файла' },
} satisfies Record<string, Plural>;

export const countsEn: Record<keyof typeof countsRu, Plural> = {
  'files.adding': { one: 'Adding {count} file…', other: 'Adding {count} files…' },
  'accounts.imported': { one: 'Imported {count} account. Set its token.', other: 'Imported {count} accounts. Set their tokens.' },
  'history.filesMissing': {
    one: '{count} file is no longer on disk as it was sent. Attach it again.',
    other: '{count} files are no longer on disk as they were sent. Attach them again.',
  },
  'directory.ready': { one: 'Directory: {count} recipient · refreshed {time}', other: 'Directory: {count} recipients · refreshed {time}' },
  'count.documents': { one: '{count} document', other: '{count} documents' },
  'count.files': { one: '{count} file', other: '{count} files' },
};
