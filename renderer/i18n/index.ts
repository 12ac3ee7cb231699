import { useCallback } from 'react';
import type { SendError } from '../../shared/errors.ts';
import { useSettings } from '../api.ts';
import { en } from './en.ts';
import { ru, type DictKey } from './ru.ts';

export type { DictKey };
export type Lang = 'ru' | 'en';
const dictionaries: Record<Lang, Record<DictKey, string>> = { ru, en };

export type Translate = (key: DictKey, params?: Record<string, string | number>) => string;

export function translate(lang: Lang, key: DictKey, params?: Record<string, string | number>): string {
  const text = dictionaries[lang][key] ?? key;
  return params ? text.replace(/\{(\w+)\}/g, (m, p: string) => (p in params ? String(params[p]) : m)) : text;
}

export function hasKey(key: string): key is DictKey {
  return key in ru;
}

/** The one way a component gets words: from the dictionary, in the operator's language. */
export function useT(): { t: Translate; lang: Lang } {
  const lang: Lang = useSettings().data?.language ?? 'ru';
  const t = useCallback<Translate>((key, params) => translate(lang, key, params), [lang]);
  return { t, lang };
}

/** A SendError in the operator's words: the reason (or kind), the field, and the provider's own text. */
export function describeError(t: Translate, e: SendError): string {
  const reasonKey = `reason.${e.reason ?? ''}`;
  const main = hasKey(reasonKey) ? t(reasonKey, { limit: e.limit ?? '', name: e.fileName ?? '' }) : t(`kind.${e.kind}` as DictKey);
  const fieldKey = e.field ? `field.${e.field}` : '';
  const field = e.field ? (hasKey(fieldKey) ? t(fieldKey) : e.field) : '';
  const parts = [field ? `${field}: ${main}` : main];
  if (e.holder) parts.push(t('unrecorded.holder', { holder: e.holder }));
  if (e.providerText) parts.push(`«${e.providerText}»`);
  else if (!hasKey(reasonKey) && e.message) parts.push(e.message);
  return parts.join(' — ');
}
