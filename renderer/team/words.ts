import { providerIds, type ProviderId } from '../../shared/providers.ts';
import { sendStatuses, type SendStatus } from '../../shared/send-statuses.ts';
import type { Lang } from '../i18n/format.ts';
import type { Translate } from '../i18n/index.ts';
import { recipientLabel } from '../history/labels.ts';
import { recipientOfKey } from '../../shared/send-labels.ts';

/*
 * Team mode's sentences, built from the host's answers: who holds or answered a chat and when,
 * whether the team view is live, who is online. Pure, so they are tested without a window.
 */

const dayMs = 86_400_000;

function sameDay(a: number, b: number): boolean {
  const x = new Date(a);
  const y = new Date(b);
  return x.getFullYear() === y.getFullYear() && x.getMonth() === y.getMonth() && x.getDate() === y.getDate();
}

const formats = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat | Intl.ListFormat>();
function cached<T extends Intl.DateTimeFormat | Intl.RelativeTimeFormat | Intl.ListFormat>(key: string, make: () => T): T {
  let found = formats.get(key);
  if (!found) formats.set(key, (found = make()));
  return found as T;
}

/** A moment in the team's recent past: the time alone when it is today, date and time otherwise. */
export function formatMoment(lang: Lang, at: number, now: number): string {
  if (sameDay(at, now)) return cached(`t:${lang}`, () => new Intl.DateTimeFormat(lang, { timeStyle: 'short' })).format(at);
  return cached(`dt:${lang}`, () => new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short' })).format(at);
}

/** How long ago, in the language's own words ("5 минут назад", "2 hours ago"); "now" under a minute. */
export function formatAgo(lang: Lang, at: number, now: number): string {
  const rtf = cached(`r:${lang}`, () => new Intl.RelativeTimeFormat(lang, { numeric: 'auto' }));
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return rtf.format(0, 'second');
  const min = Math.round(s / 60);
  if (min < 60) return rtf.format(-min, 'minute');
  const h = Math.round(min / 60);
  if (h < 24) return rtf.format(-h, 'hour');
  return rtf.format(-Math.round((now - at) / dayMs), 'day');
}

/** Names joined the language's way ("Анна, Борис и Вера"; "Anna, Boris, and Vera"). */
export function formatNames(lang: Lang, names: readonly string[]): string {
  return cached(`l:${lang}`, () => new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' })).format(names);
}

export interface ChatActivity {
  claimedBy?: string | undefined;
  claimedAt?: number | undefined;
  answeredBy?: string | undefined;
  answeredAt?: number | undefined;
}

export interface ChatWarning {
  claimed?: { by: string; at?: number };
  answered?: { by: string; at?: number };
}

/**
 * Whether sending to this chat deserves a second look: another operator holds it, or answered it
 * in the last hours (the host names only other operators, and only within its window). A fact
 * with a name but no moment is still worth a look; the moment is shown when there is one.
 */
export function chatWarning(a: ChatActivity | undefined): ChatWarning | undefined {
  if (!a) return undefined;
  const w: ChatWarning = {};
  if (a.claimedBy) w.claimed = { by: a.claimedBy, ...(a.claimedAt !== undefined ? { at: a.claimedAt } : {}) };
  if (a.answeredBy) w.answered = { by: a.answeredBy, ...(a.answeredAt !== undefined ? { at: a.answeredAt } : {}) };
  return w.claimed || w.answered ? w : undefined;
}

/** The warning in words: one sentence per fact, each with who and when. */
export function chatWarningText(t: Translate, lang: Lang, w: ChatWarning, now: number): string[] {
  const when = (at: number | undefined) =>
    at === undefined ? { time: '', ago: '' } : { time: formatMoment(lang, at, now), ago: formatAgo(lang, at, now) };
  const lines: string[] = [];
  if (w.claimed)
    lines.push(
      t(w.claimed.at === undefined ? 'team.chat.claimedNoTime' : 'team.chat.claimed', { name: w.claimed.by, ...when(w.claimed.at) }),
    );
  if (w.answered)
    lines.push(
      t(w.answered.at === undefined ? 'team.chat.answeredNoTime' : 'team.chat.answered', { name: w.answered.by, ...when(w.answered.at) }),
    );
  return lines;
}

export interface TeamStatusView {
  configured: boolean;
  online: boolean;
  asOf?: number | undefined;
  pending: number;
  presence: readonly { name: string; seenAt: number; me: boolean }[];
}

/** Live, "as of" a time, or still connecting; undefined when this desktop is not in a team. */
export function liveness(
  t: Translate,
  lang: Lang,
  s: TeamStatusView | undefined,
  now: number,
): { tone: 'live' | 'stale'; text: string } | undefined {
  if (!s?.configured) return undefined;
  if (s.online) return { tone: 'live', text: t('team.live') };
  if (s.asOf !== undefined) return { tone: 'stale', text: t('team.asOf', { time: formatMoment(lang, s.asOf, now) }) };
  return { tone: 'stale', text: t('team.connecting') };
}

/** Who is online, this operator last and marked as such; undefined when nobody is (or the view is not live). */
export function presenceText(t: Translate, lang: Lang, s: TeamStatusView | undefined): string | undefined {
  if (!s?.configured || !s.online || s.presence.length === 0) return undefined;
  const others = s.presence.filter((p) => !p.me).map((p) => p.name);
  const me = s.presence.some((p) => p.me) ? [t('team.you')] : [];
  return t('team.online', { names: formatNames(lang, [...others, ...me]) });
}

/** A provider named by the team server, if this build knows it (a newer desktop may share one this one does not). */
export function knownProvider(p: string): ProviderId | undefined {
  return providerIds.find((id) => id === p);
}

/** A send status from the team server, if this build knows it; an unknown one is shown as it came. */
export function knownStatus(s: string): SendStatus | undefined {
  return sendStatuses.find((x) => x === s);
}

/**
 * What a conflict is about, in words. The host names a chat by its team key
 * (provider|origin|cabinet|recipient) and a template by its id; either is turned back into what
 * the operator knows ("Пачка · чат 334", "шаблон «Доставка»"), and anything else is shown as it came.
 */
export function conflictSubject(t: Translate, subject: string, templates: readonly { id: string; name: string }[]): string {
  const template = templates.find((tp) => tp.id === subject);
  if (template) return t('team.conflicts.template', { name: template.name });
  const [provider, , , ...rest] = subject.split('|');
  const known = provider !== undefined && rest.length > 0 ? knownProvider(provider) : undefined;
  if (!known) return subject;
  return t('team.conflicts.chat', {
    provider: t(`provider.${known}`),
    recipient: recipientLabel(t, recipientOfKey(known, rest.join('|'))),
  });
}
