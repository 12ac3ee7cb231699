import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef } from 'react';
import type { ProviderId } from '../../shared/providers.ts';
import { client, useHistoryPages } from '../api.ts';
import { describeError, useT } from '../i18n/index.ts';
import { readKeys } from './queries.ts';

/** A fresh read at most this often while the pane is open (Market: 60 an hour of its 10 000). */
const SLOW_REFRESH_MS = 60_000;
/** After our send: look again once the provider has had time to list it (the sheets' read-after-write). */
const AFTER_SEND_MS = [2_500, 10_000];

/**
 * The last messages with the chosen recipient beside the composer: newest at the bottom, authors,
 * times, text and file names, our own messages marked. It opens from the cache at once, then reads
 * the provider on focus, on a slow timer and after each of our sends; it never holds the composer up.
 */
export function ConversationPane({
  provider,
  accountId,
  target,
  historyRecipient,
}: {
  provider: ProviderId;
  accountId: string | undefined;
  target: string | undefined;
  historyRecipient: string | undefined;
}) {
  const { t, lang } = useT();
  const enabled = !!accountId && !!target;
  const key = readKeys.conversation(accountId ?? '', target ?? '');
  const cached = useQuery({
    queryKey: [...key, 'cache'],
    queryFn: () => client.conversations.get({ accountId: accountId!, target: target! }),
    enabled,
    staleTime: Infinity,
  });
  const fresh = useQuery({
    queryKey: [...key, 'fresh'],
    queryFn: () => client.conversations.get({ accountId: accountId!, target: target!, fresh: true }),
    enabled,
    refetchInterval: SLOW_REFRESH_MS,
    refetchOnWindowFocus: true,
    staleTime: 5_000,
  });
  const sends = useHistoryPages({ provider, recipient: historyRecipient ?? '', limit: 20 }, !!historyRecipient);
  const lastSent = sends.data?.pages[0]?.items.find((s) => s.status === 'sent' && s.accountId === accountId)?.id;
  const refetch = fresh.refetch;
  // The newest sent message when this chat was opened is already listed; a newer one is read for after the lag.
  const seen = useRef<{ recipient: string; id: string } | undefined>(undefined);
  const loaded = sends.isSuccess;
  useEffect(() => {
    if (!loaded || !historyRecipient) return;
    const id = lastSent ?? '';
    const before = seen.current;
    seen.current = { recipient: historyRecipient, id };
    if (!before || before.recipient !== historyRecipient || before.id === id) return;
    const timers = AFTER_SEND_MS.map((ms) => setTimeout(() => void refetch(), ms));
    return () => timers.forEach(clearTimeout);
  }, [loaded, historyRecipient, lastSent, refetch]);

  const data = fresh.data ?? cached.data;
  const time = useMemo(
    () => new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit' }),
    [lang],
  );
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [data?.items.length]);

  return (
    <section className="conversation" aria-label={t('conversation.title')}>
      <h2>
        {t('conversation.title')}
        {enabled && data?.state !== 'unsupported' && (
          <button type="button" className="link" onClick={() => void fresh.refetch()} disabled={fresh.isFetching}>
            {t('conversation.refresh')}
          </button>
        )}
      </h2>
      {!enabled ? (
        <p className="muted">{t('conversation.pick')}</p>
      ) : data?.state === 'unsupported' ? (
        <p className="muted">{t('conversation.unsupported')}</p>
      ) : (
        <>
          {data?.state === 'failed' && data.error && (
            <p className="error">{t('conversation.failed', { reason: describeError(t, data.error) })}</p>
          )}
          {data && data.items.length === 0 && data.state === 'ok' && <p className="muted">{t('conversation.empty')}</p>}
          <ol className="conversation-list">
            {data?.items.map((m) => (
              <li key={m.id} className={m.own ? 'own' : undefined}>
                <div className="conversation-meta">
                  <strong>{m.own ? t('conversation.us') : m.author}</strong>{' '}
                  <time dateTime={new Date(m.at).toISOString()}>{time.format(m.at)}</time>
                </div>
                {m.text && <div className="conversation-text">{m.text}</div>}
                {m.files.map((f) => (
                  <div key={f} className="conversation-file">
                    📎 {f}
                  </div>
                ))}
                {m.status && (
                  <div className={`conversation-docflow docflow-${m.status.severity}`}>
                    {t('conversation.docflow', { status: m.status.text })}{' '}
                    <small className="muted">({t(`conversation.docflow.${m.status.severity}`)})</small>
                  </div>
                )}
              </li>
            ))}
            <li ref={end} aria-hidden="true" className="conversation-end" />
          </ol>
          {data?.fetchedAt && <small className="muted">{t('conversation.fetched', { time: time.format(data.fetchedAt) })}</small>}
        </>
      )}
    </section>
  );
}
