import { z } from 'zod';

/**
 * Every string and list that crosses the IPC boundary has a maximum, so no single value can grow
 * the history, the search index or a request beyond what the app was built for. Where a provider
 * states a limit it is the source; where it states none the bound is generous, far above any real
 * use. These bounds only stop what no provider would take: the exact rules (code points, per-row
 * counts, patterns) stay in the message checks, which give the operator the precise field and limit.
 */
export const generous = {
  /** Ids the app issues (accounts, sends, templates, file handles). */
  id: 80,
  /** A provider's own ids (box ids, chat ids, phone numbers, document ids, type names). */
  providerId: 200,
  /** A URL inside a message (a Pachca button link, an avatar). */
  url: 8192,
  /** A value a provider takes without a stated limit (a Diadoc metadata value). */
  value: 4000,
  /** A list a provider takes without a stated limit (metadata items). */
  list: 200,
  /** Free text read back from the app itself (names, previews, reasons). */
  label: 1000,
  /** Provider words and messages carried inside an error. */
  words: 4000,
} as const;

/**
 * A text of at most `chars` characters as providers count them (code points). A code point is at
 * most two UTF-16 units, so twice the count never refuses a text the provider takes; the message
 * check then counts exactly. The refusal names the provider's limit, not the doubled one.
 */
export function text(chars: number) {
  return z.string().refine((s) => s.length <= 2 * chars, { params: { reason: 'too_long', limit: chars }, abort: true });
}

/** An id the app issued or a provider's id: plain `max`, as such ids are ASCII. */
export function ident(max: number = generous.providerId) {
  return z.string().max(max);
}

/**
 * A string the host hands back (an output): cut, never refused, so one overlong stored value
 * cannot make a whole history page or account list fail to answer.
 */
export function capped(max: number) {
  return z.string().transform((s) => (s.length > max ? `${s.slice(0, max)}…` : s));
}

/** Lists the host hands back: far above real use, so reaching one is a defect worth an error. */
export const outputList = 100_000;
