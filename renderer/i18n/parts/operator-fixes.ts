/** Words of the smaller operator fixes (a sent message's buttons and files, signatures paired by name); merged by ru.ts and en.ts. */
export const operatorFixesRu = {
  'sentContent.buttons': 'Кнопки',
  'sentContent.buttonRow': 'Строка кнопок {n}',
  'sentContent.buttonUrl': 'ссылка: {url}',
  'sentContent.buttonData': 'данные: {data}',
  'sentContent.files': 'Файлы',
  'sentContent.fileGone': 'файла больше нет на диске',
};

export const operatorFixesEn: Record<keyof typeof operatorFixesRu, string> = {
  'sentContent.buttons': 'Buttons',
  'sentContent.buttonRow': 'Button row {n}',
  'sentContent.buttonUrl': 'link: {url}',
  'sentContent.buttonData': 'data: {data}',
  'sentContent.files': 'Files',
  'sentContent.fileGone': 'the file is no longer on disk',
};
