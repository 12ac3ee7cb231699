import type { ErrorKind } from '../../shared/error-kinds.ts';
import type { SendError } from '../../shared/errors.ts';
import { en } from './en.ts';
import { formatBytes, formatNumber, pluralCategory, type Lang } from './format.ts';
import { pluralForm, type Message } from './plural.ts';
import { ru, type DictKey } from './ru.ts';

export type { DictKey, Lang };
const dictionaries: Record<Lang, Record<DictKey, Message>> = { ru, en };

/** A value to fill in: text as it is, a number to group, or a byte count to write as a size. */
export type Param = string | number | { bytes: number };
export type Translate = (key: DictKey, params?: Record<string, Param>) => string;

/**
 * A message in a language: the plural form is chosen by `count`, and every number filled in is
 * written the language's way ("5 242 880" in Russian), so no component formats figures itself.
 */
export function translate(lang: Lang, key: DictKey, params?: Record<string, Param>): string {
  const message = dictionaries[lang][key] ?? key;
  const count = params?.count;
  const text =
    typeof message === 'string' ? message : pluralForm(message, pluralCategory(lang, typeof count === 'number' ? count : Number(count)));
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m: string, p: string) => {
    const value = params[p];
    if (value === undefined) return m;
    if (typeof value === 'number') return formatNumber(lang, value);
    return typeof value === 'string' ? value : formatBytes(lang, value.bytes);
  });
}

export function hasKey(key: string): key is DictKey {
  return key in ru;
}

/** A SendError in the operator's words: the reason (or kind), the field, and the provider's own text. */
export function describeError(t: Translate, e: SendError): string {
  const reasonKey = `reason.${e.reason ?? ''}`;
  const main = hasKey(reasonKey) ? t(reasonKey, { limit: limitParam(e.reason, e.limit), name: e.fileName ?? '' }) : t(kindKey(e.kind));
  const fieldKey = e.field ? `field.${e.field}` : '';
  const field = e.field ? (hasKey(fieldKey) ? t(fieldKey) : e.field) : '';
  const parts = [field ? `${field}: ${main}` : main];
  if (e.holder) parts.push(t('unrecorded.holder', { holder: e.holder }));
  if (e.providerText) parts.push(`«${e.providerText}»`);
  else if (!hasKey(reasonKey) && e.message) parts.push(e.message);
  return parts.join(' — ');
}

/** Every error kind has its words: a kind the dictionary lacks fails the type check here. */
function kindKey(kind: ErrorKind): DictKey {
  return `kind.${kind}`;
}

// Reasons whose limit is a number of bytes: "не больше 5 МБ", never "не больше 5242880".
const byteReasons = new Set(['file_too_big', 'documents_too_big']);

/** The limit a reason names: a size for byte limits, a number (grouped by translate) otherwise. */
export function limitParam(reason: string | undefined, limit: number | undefined): Param {
  if (limit === undefined) return '';
  return reason && byteReasons.has(reason) ? { bytes: limit } : limit;
}
