/** Words for the conversion of an older version's history, run after the window is up; merged by ru.ts and en.ts. */
export const historyUpgradeRu = {
  'historyUpgrade.note': 'Обновляем записи прежней версии приложения: {percent}. Историей можно пользоваться, ничего не потеряется.',
} as const;

export const historyUpgradeEn: Record<keyof typeof historyUpgradeRu, string> = {
  'historyUpgrade.note':
    'Updating records from the previous version of the app: {percent}. The history can be used meanwhile; nothing is lost.',
};
