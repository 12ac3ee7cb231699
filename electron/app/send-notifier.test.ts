import { describe, expect, it } from 'vitest';
import type { SendSummary } from '../../shared/sends.ts';
import { SendNotifier } from './send-notifier.ts';
import type { MainLanguage } from './strings.ts';

function summary(over: Partial<SendSummary>): SendSummary {
  return {
    id: 's_1',
    provider: 'pachca',
    accountId: 'a1',
    accountName: 'Пачка',
    sandbox: false,
    status: 'sent',
    recipient: 'chat 334',
    to: { kind: 'chat', id: '334' },
    preview: { kind: 'text', text: 'Счёт готов' },
    createdAt: 1,
    updatedAt: 1,
    attemptCount: 1,
    ...over,
  };
}

/** A notifier in the background with notifications on, in the language the settings hold at each moment. */
function notifierIn(settings: { language: MainLanguage }) {
  const shown: { title: string; body: string }[] = [];
  const notifier = new SendNotifier({
    language: () => settings.language,
    enabled: () => true,
    windowFocused: () => false,
    show: (title, body) => shown.push({ title, body }),
  });
  return { notifier, shown };
}

describe('notifications of sends made in the background', () => {
  it('says the outcome, the recipient and the documents in Russian when the operator chose Russian', () => {
    const { notifier, shown } = notifierIn({ language: 'ru' });
    notifier.changed(summary({}));
    notifier.changed(
      summary({
        id: 's_2',
        provider: 'diadoc',
        status: 'outcome_unknown',
        recipient: 'box-2@diadoc.ru',
        to: { kind: 'box', id: 'box-2@diadoc.ru' },
        preview: { kind: 'documents', count: 5, names: ['Акт', 'Счёт'] },
      }),
    );
    notifier.changed(
      summary({ id: 's_3', status: 'failed', to: { kind: 'user', id: '7' }, preview: { kind: 'files', count: 1, names: [] } }),
    );
    expect(shown).toEqual([
      { title: 'Отправлено: чат 334', body: 'Счёт готов' },
      { title: 'Неизвестно, дошло ли: box-2@diadoc.ru', body: '5 документов: Акт · Счёт' },
      { title: 'Не отправлено: пользователь 7', body: '📎 файл' },
    ]);
  });

  it('says the same in English when the operator chose English, and follows a change of the setting', () => {
    const settings: { language: MainLanguage } = { language: 'en' };
    const { notifier, shown } = notifierIn(settings);
    notifier.changed(
      summary({ status: 'outcome_unknown', to: { kind: 'thread', id: '9' }, preview: { kind: 'documents', count: 1, names: [] } }),
    );
    notifier.changed(summary({ id: 's_2', preview: { kind: 'files', count: 21, names: [] } }));
    settings.language = 'ru';
    notifier.changed(summary({ id: 's_3', preview: { kind: 'documents', count: 21, names: ['Акт'] } }));
    expect(shown).toEqual([
      { title: 'Unknown whether it arrived: thread 9', body: '1 document' },
      { title: 'Sent: chat 334', body: '📎 21 files' },
      { title: 'Отправлено: чат 334', body: '21 документ: Акт' },
    ]);
  });

  it('tells once per send and outcome, and nothing for a send still on its way', () => {
    const { notifier, shown } = notifierIn({ language: 'ru' });
    notifier.changed(summary({ status: 'sending' }));
    notifier.changed(summary({}));
    notifier.changed(summary({}));
    expect(shown).toHaveLength(1);
  });
});
