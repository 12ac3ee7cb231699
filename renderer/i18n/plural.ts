/**
 * A message that depends on a count. Russian needs one/few/many ("1 документ, 2 документа,
 * 5 документов"), English one/other; `other` is what a language falls back to.
 */
export interface Plural {
  one: string;
  few?: string;
  many?: string;
  other: string;
}

export type Message = string | Plural;

/** The form for a plural category; a category the message does not spell out reads as `other`. */
export function pluralForm(message: Plural, category: Intl.LDMLPluralRule): string {
  if (category === 'one' || category === 'few' || category === 'many') return message[category] ?? message.other;
  return message.other;
}
