/** The recipient picker's own words (its options stand in until the host's answer). */
export const pickerRu = {
  'picker.provisional': 'Совпадения из памяти окна, уточняем…',
} as const;

export const pickerEn: Record<keyof typeof pickerRu, string> = {
  'picker.provisional': 'Matches from this window’s copy, checking…',
};
