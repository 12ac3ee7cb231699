/** Words of the smaller operator fixes (a sent message's buttons and files, signatures paired by name); merged by ru.ts and en.ts. */
export const operatorFixesRu = {
  'sentContent.buttons': 'Кнопки',
  'sentContent.buttonRow': 'Строка кнопок {n}',
  'sentContent.buttonUrl': 'ссылка: {url}',
  'sentContent.buttonData': 'данные: {data}',
  'sentContent.files': 'Файлы',
  'sentContent.fileGone': 'файла больше нет на диске',
  'diadoc.signatureUnpaired':
    '{name}: в письме нет документа «{document}», к которому эта подпись. Добавьте документ и перетащите подпись снова или перетащите её на карточку нужного документа.',
};

export const operatorFixesEn: Record<keyof typeof operatorFixesRu, string> = {
  'sentContent.buttons': 'Buttons',
  'sentContent.buttonRow': 'Button row {n}',
  'sentContent.buttonUrl': 'link: {url}',
  'sentContent.buttonData': 'data: {data}',
  'sentContent.files': 'Files',
  'sentContent.fileGone': 'the file is no longer on disk',
  'diadoc.signatureUnpaired':
    '{name}: the message has no document “{document}” for this signature. Add the document and drop the signature again, or drop it on the card of the document it signs.',
};
