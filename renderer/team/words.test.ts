import { describe, expect, it } from 'vitest';
import { translate, type DictKey, type Lang, type Param } from '../i18n/translate.ts';
import {
  chatWarning,
  chatWarningText,
  conflictSubject,
  formatAgo,
  formatMoment,
  formatNames,
  knownProvider,
  knownStatus,
  liveness,
  presenceText,
} from './words.ts';

// Intl puts no-break spaces in times and dates; a reader sees plain ones.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
const tr = (lang: Lang) => (key: DictKey, params?: Record<string, Param>) => plain(translate(lang, key, params));

// Moments built in local time, so the test means the same thing in any time zone.
const now = new Date(2026, 10, 30, 14, 0).getTime();
const at = (h: number, m: number, day = 30) => new Date(2026, 10, day, h, m).getTime();

describe('when a colleague was on a chat', () => {
  it('says the time alone for today and the date too for an earlier day', () => {
    expect(plain(formatMoment('ru', at(10, 42), now))).toBe('10:42');
    expect(plain(formatMoment('en', at(10, 42), now))).toBe('10:42 AM');
    expect(plain(formatMoment('ru', at(23, 5, 29), now))).toBe('29.11.2026, 23:05');
    expect(plain(formatMoment('en', at(23, 5, 29), now))).toBe('11/29/26, 11:05 PM');
  });

  it('says how long ago in the language’s own words', () => {
    expect(formatAgo('ru', now - 20_000, now)).toBe('сейчас');
    expect(formatAgo('en', now - 20_000, now)).toBe('now');
    expect(formatAgo('ru', now - 5 * 60_000, now)).toBe('5 минут назад');
    expect(formatAgo('ru', now - 2 * 3_600_000, now)).toBe('2 часа назад');
    expect(formatAgo('en', now - 3_600_000, now)).toBe('1 hour ago');
    expect(formatAgo('en', now - 26 * 3_600_000, now)).toBe('yesterday');
  });

  it('joins names the way each language lists them', () => {
    expect(formatNames('ru', ['Анна', 'Борис', 'вы'])).toBe('Анна, Борис и вы');
    expect(formatNames('en', ['Anna', 'Boris', 'you'])).toBe('Anna, Boris, and you');
  });
});

describe('the composer’s warning before a send', () => {
  it('stays silent when nobody else claimed or answered the chat', () => {
    expect(chatWarning(undefined)).toBeUndefined();
    expect(chatWarning({})).toBeUndefined();
  });

  it('warns about a claim and about a recent answer, each with who and when', () => {
    const w = chatWarning({ claimedBy: 'Анна', claimedAt: at(13, 30), answeredBy: 'Борис', answeredAt: at(13, 55) });
    expect(w).toEqual({ claimed: { by: 'Анна', at: at(13, 30) }, answered: { by: 'Борис', at: at(13, 55) } });
    expect(chatWarningText(tr('ru'), 'ru', w!, now)).toEqual([
      'Чат ведёт Анна — с 13:30 (30 минут назад)',
      'Последний ответ в этот чат: Борис, 13:55 (5 минут назад)',
    ]);
    expect(chatWarningText(tr('en'), 'en', w!, now)).toEqual([
      'Анна handles this chat — since 1:30 PM (30 minutes ago)',
      'Last answer in this chat: Борис, 1:55 PM (5 minutes ago)',
    ]);
  });

  it('warns about an answer alone, and still names who when the moment is missing', () => {
    const answered = chatWarning({ answeredBy: 'Борис', answeredAt: at(12, 0) });
    expect(answered).toEqual({ answered: { by: 'Борис', at: at(12, 0) } });
    const claimed = chatWarning({ claimedBy: 'Анна' });
    expect(chatWarningText(tr('ru'), 'ru', claimed!, now)).toEqual(['Чат ведёт Анна']);
    expect(chatWarningText(tr('en'), 'en', claimed!, now)).toEqual(['Анна handles this chat']);
  });

  it('asks to confirm in a sentence that ends with the question', () => {
    const facts = chatWarningText(tr('ru'), 'ru', chatWarning({ claimedBy: 'Анна', claimedAt: at(13, 30) })!, now).join('. ');
    expect(tr('ru')('team.chat.confirm', { facts })).toBe('Чат ведёт Анна — с 13:30 (30 минут назад). Всё равно отправить?');
  });
});

describe('the team line in the window', () => {
  const base = { configured: true, online: true, pending: 0, presence: [] };

  it('shows nothing for a desktop that is not in a team', () => {
    expect(liveness(tr('ru'), 'ru', undefined, now)).toBeUndefined();
    expect(liveness(tr('ru'), 'ru', { ...base, configured: false, online: false }, now)).toBeUndefined();
    expect(presenceText(tr('ru'), 'ru', { ...base, configured: false })).toBeUndefined();
  });

  it('says live while online, "as of" the moment it went offline, and connecting before the first contact', () => {
    expect(liveness(tr('ru'), 'ru', base, now)).toEqual({ tone: 'live', text: 'Команда: в сети' });
    expect(liveness(tr('en'), 'en', { ...base, online: false, asOf: at(13, 7) }, now)).toEqual({
      tone: 'stale',
      text: 'Team: as of 1:07 PM',
    });
    expect(liveness(tr('ru'), 'ru', { ...base, online: false, asOf: at(13, 7) }, now)).toEqual({
      tone: 'stale',
      text: 'Команда: данные на 13:07',
    });
    expect(liveness(tr('ru'), 'ru', { ...base, online: false }, now)).toEqual({ tone: 'stale', text: 'Команда: подключение…' });
  });

  it('lists who is online with this operator last, and nobody while the view is not live', () => {
    const presence = [
      { name: 'Анна', seenAt: now, me: true },
      { name: 'Борис', seenAt: now, me: false },
      { name: 'Вера', seenAt: now, me: false },
    ];
    expect(presenceText(tr('ru'), 'ru', { ...base, presence })).toBe('В сети: Борис, Вера и вы');
    expect(presenceText(tr('en'), 'en', { ...base, presence })).toBe('Online: Борис, Вера, and you');
    expect(presenceText(tr('ru'), 'ru', { ...base, online: false, presence })).toBeUndefined();
  });

  it('counts what the team has not received yet in the right plural', () => {
    expect(['1', '3', '5'].map((n) => tr('ru')('team.pending', { count: Number(n) }))).toEqual([
      'Команда ещё не получила 1 запись',
      'Команда ещё не получила 3 записи',
      'Команда ещё не получила 5 записей',
    ]);
  });
});

describe('a team send from a newer desktop', () => {
  it('keeps a provider and status this build knows, and leaves an unknown one to be shown as it came', () => {
    expect(knownProvider('pachca')).toBe('pachca');
    expect(knownProvider('telegram')).toBeUndefined();
    expect(knownStatus('outcome_unknown')).toBe('outcome_unknown');
    expect(knownStatus('archived')).toBeUndefined();
  });
});

describe('what a conflict with the team is about', () => {
  const templates = [{ id: 'tt_1', name: 'Доставка' }];

  it('names a chat by its provider and recipient, and a template by its name', () => {
    expect(conflictSubject(tr('ru'), 'pachca|https://api.pachca.com||chat 334', templates)).toBe('Пачка · чат 334');
    expect(conflictSubject(tr('en'), 'market|https://api.partner.market.yandex.ru|42|chat 9', templates)).toBe('Yandex Market · chat 9');
    expect(conflictSubject(tr('ru'), 'tt_1', templates)).toBe('шаблон «Доставка»');
  });

  it('shows a subject it cannot read as it came', () => {
    expect(conflictSubject(tr('ru'), 'tt_gone', templates)).toBe('tt_gone');
    expect(conflictSubject(tr('ru'), 'telegram|x||chat 1', templates)).toBe('telegram|x||chat 1');
  });
});
