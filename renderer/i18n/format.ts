/**
 * Numbers, sizes and moments in the operator's language. Every figure on screen goes through
 * here so a Russian screen reads "5 242 880" and "5 МБ", an English one "5,242,880" and "5 MB".
 */
export type Lang = 'ru' | 'en';

// Intl constructors are slow next to format(); a screen formats hundreds of figures per render.
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules>(key: string, make: () => T): T {
  let found = cache.get(key);
  if (!found) cache.set(key, (found = make()));
  return found as T;
}

export function formatNumber(lang: Lang, n: number): string {
  return cached(`n:${lang}`, () => new Intl.NumberFormat(lang)).format(n);
}

const units = [
  { unit: 'megabyte', size: 1024 * 1024 },
  { unit: 'kilobyte', size: 1024 },
  { unit: 'byte', size: 1 },
] as const;

/** A byte count in the largest unit it fills, with the language's own unit names. */
export function formatBytes(lang: Lang, bytes: number): string {
  const { unit, size } = units.find((u) => Math.abs(bytes) >= u.size) ?? units[2];
  const format = cached(
    `b:${lang}:${unit}`,
    () => new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: unit === 'byte' ? 0 : 1 }),
  );
  return format.format(bytes / size);
}

export type DateStyle = 'short' | 'medium';

/** A moment (epoch ms) as date and time; `medium` keeps the seconds for the detail pane. */
export function formatDateTime(lang: Lang, at: number | Date, style: DateStyle = 'short'): string {
  return cached(`d:${lang}:${style}`, () => new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: style })).format(at);
}

/** The plural category of a count in a language: ru has one/few/many/other, en one/other. */
export function pluralCategory(lang: Lang, count: number): Intl.LDMLPluralRule {
  return cached(`p:${lang}`, () => new Intl.PluralRules(lang)).select(count);
}

/** A share (0…1) as the language writes a percentage: "45 %" in Russian, "45%" in English. */
export function formatPercent(lang: Lang, share: number): string {
  return cached(`pct:${lang}`, () => new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 })).format(share);
}
