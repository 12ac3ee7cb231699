import { useT } from '../i18n/index.ts';
import { formatNumber } from '../i18n/format.ts';

/** "312 / 4096" ("12 / 10 000"), turning to a warning near the limit and an error past it. */
export function Counter({ count, max, label }: { count: number; max: number; label: string }) {
  const { lang } = useT();
  const tone = count > max ? 'over' : count > max * 0.9 ? 'near' : 'ok';
  const figures = `${formatNumber(lang, count)} / ${formatNumber(lang, max)}`;
  return (
    <span className={`counter counter-${tone}`} aria-label={`${label}: ${figures}`} data-testid="counter">
      {figures}
    </span>
  );
}
