/**
 * The main process's own words (native dialogs, menus, notifications), in the operator's language.
 * The renderer has its dictionary; these are shown before it exists or outside it.
 */
const ru = {
  'startup.title': 'Operator Console не запустилась',
  'startup.where': 'Папка данных: {dataDir}\nЖурнал: {logFile}',
  'startup.openDataFolder': 'Открыть папку данных',
  'startup.quit': 'Выйти',
  'startup.cause.history_newer':
    'История отправок записана более новой версией приложения (схема {found}, эта версия знает до {known}). Файл оставлен как был: установите новую версию снова.',
  'startup.cause.history_corrupt':
    'Файл истории отправок повреждён и не открывается. Он оставлен как был: сохраните его копию для поддержки, прежде чем что-либо менять.',
  'startup.cause.data_dir_denied': 'Нет доступа к папке данных ({code}). Проверьте права на папку.',
  'startup.cause.disk_full': 'На диске нет места для данных приложения.',
  'startup.cause.unknown': 'Непредвиденная ошибка при запуске. Подробности — в журнале.',
  'config.setAside.title': 'Настройки сброшены',
  'config.setAside.message':
    'Файл настроек был повреждён. Он сохранён как {name}, приложение запущено с настройками по умолчанию. Аккаунты придётся добавить снова или импортировать.',
  'config.setAside.ok': 'Понятно',
  'crash.title': 'Окно приложения упало',
  'crash.message': 'Страница приложения завершилась ({reason}). Данные и отправки в порядке.',
  'crash.reload': 'Перезагрузить окно',
  'crash.quit': 'Выйти',
  'link.title': 'Открыть ссылку в браузере?',
  'link.message': 'Ссылка ведёт на {host}, которого приложение не знает:\n{url}',
  'link.open': 'Открыть',
  'link.cancel': 'Отмена',
  'menu.file': 'Файл',
  'menu.edit': 'Правка',
  'menu.view': 'Вид',
  'menu.window': 'Окно',
  'menu.help': 'Справка',
  'menu.send': 'Отправить',
  'menu.newMessage': 'Новое сообщение: {provider}',
  'menu.history': 'История',
  'menu.search': 'Поиск в истории',
  'menu.settings': 'Настройки',
  'menu.shortcuts': 'Сочетания клавиш',
  'menu.openLogs': 'Открыть папку журналов',
  'menu.openDataFolder': 'Открыть папку данных',
  'menu.undo': 'Отменить',
  'menu.redo': 'Повторить',
  'menu.resetZoom': 'Обычный размер',
  'menu.zoomIn': 'Крупнее',
  'menu.zoomOut': 'Мельче',
  'menu.fullscreen': 'Во весь экран',
  'menu.minimize': 'Свернуть',
  'menu.close': 'Закрыть окно',
  'menu.quit': 'Выйти',
  'provider.pachca': 'Пачка',
  'provider.diadoc': 'Диадок',
  'provider.market': 'Маркет',
  'provider.greenapi': 'WhatsApp',
  'context.cut': 'Вырезать',
  'context.copy': 'Копировать',
  'context.paste': 'Вставить',
  'context.selectAll': 'Выделить всё',
  'context.addToDictionary': 'Добавить в словарь',
  'context.noSuggestions': 'Нет вариантов',
  'notify.sent': 'Отправлено: {recipient}',
  'notify.failed': 'Не отправлено: {recipient}',
  'notify.unknown': 'Неизвестно, дошло ли: {recipient}',
} as const;

export type MainKey = keyof typeof ru;
export type MainLanguage = 'ru' | 'en';

const en: Record<MainKey, string> = {
  'startup.title': 'Operator Console could not start',
  'startup.where': 'Data folder: {dataDir}\nLog: {logFile}',
  'startup.openDataFolder': 'Open the data folder',
  'startup.quit': 'Quit',
  'startup.cause.history_newer':
    'The send history was written by a newer version of the app (schema {found}; this version knows up to {known}). The file was left as it was: install the newer version again.',
  'startup.cause.history_corrupt':
    'The send history file is damaged and cannot be opened. It was left as it was: keep a copy of it for support before changing anything.',
  'startup.cause.data_dir_denied': 'The data folder cannot be accessed ({code}). Check the folder’s permissions.',
  'startup.cause.disk_full': 'The disk has no room left for the app’s data.',
  'startup.cause.unknown': 'An unexpected error stopped the start. The details are in the log.',
  'config.setAside.title': 'Settings were reset',
  'config.setAside.message':
    'The settings file was damaged. It was kept as {name} and the app started with default settings. Accounts have to be added again or imported.',
  'config.setAside.ok': 'OK',
  'crash.title': 'The app window crashed',
  'crash.message': 'The app page stopped ({reason}). Your data and sends are safe.',
  'crash.reload': 'Reload the window',
  'crash.quit': 'Quit',
  'link.title': 'Open the link in the browser?',
  'link.message': 'The link leads to {host}, which the app does not know:\n{url}',
  'link.open': 'Open',
  'link.cancel': 'Cancel',
  'menu.file': 'File',
  'menu.edit': 'Edit',
  'menu.view': 'View',
  'menu.window': 'Window',
  'menu.help': 'Help',
  'menu.send': 'Send',
  'menu.newMessage': 'New message: {provider}',
  'menu.history': 'History',
  'menu.search': 'Search the history',
  'menu.settings': 'Settings',
  'menu.shortcuts': 'Keyboard shortcuts',
  'menu.openLogs': 'Open the log folder',
  'menu.openDataFolder': 'Open the data folder',
  'menu.undo': 'Undo',
  'menu.redo': 'Redo',
  'menu.resetZoom': 'Actual size',
  'menu.zoomIn': 'Zoom in',
  'menu.zoomOut': 'Zoom out',
  'menu.fullscreen': 'Full screen',
  'menu.minimize': 'Minimize',
  'menu.close': 'Close window',
  'menu.quit': 'Quit',
  'provider.pachca': 'Pachca',
  'provider.diadoc': 'Diadoc',
  'provider.market': 'Market',
  'provider.greenapi': 'WhatsApp',
  'context.cut': 'Cut',
  'context.copy': 'Copy',
  'context.paste': 'Paste',
  'context.selectAll': 'Select all',
  'context.addToDictionary': 'Add to dictionary',
  'context.noSuggestions': 'No suggestions',
  'notify.sent': 'Sent: {recipient}',
  'notify.failed': 'Not sent: {recipient}',
  'notify.unknown': 'Unknown whether it arrived: {recipient}',
};

const dictionaries: Record<MainLanguage, Record<MainKey, string>> = { ru, en };

export type MainTranslate = (key: MainKey, params?: Record<string, string | number>) => string;

export function mainStrings(lang: MainLanguage): MainTranslate {
  return (key, params) => {
    const text = dictionaries[lang][key];
    return params ? text.replace(/\{(\w+)\}/g, (m, p: string) => (p in params ? String(params[p]) : m)) : text;
  };
}
