import { useCallback } from 'react';
import { useSettings } from '../api.ts';
import { translate, type Lang, type Translate } from './translate.ts';

export { describeError, hasKey, limitParam, type DictKey, type Lang, type Translate } from './translate.ts';

/** The one way a component gets words: from the dictionary, in the operator's language. */
export function useT(): { t: Translate; lang: Lang } {
  const lang: Lang = useSettings().data?.language ?? 'ru';
  const t = useCallback<Translate>((key, params) => translate(lang, key, params), [lang]);
  return { t, lang };
}
