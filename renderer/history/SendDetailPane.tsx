import { SentContent } from './SentContent.tsx';
import { SentMessageActions } from './SentMessageActions.tsx';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { client, keys, useSendDetail } from '../api.ts';
import { openInComposer } from '../composers/openInComposer.ts';
import { describeError, useT } from '../i18n/index.ts';
import { useUi } from '../store.ts';
import { askConfirm } from '../ui/confirm.ts';
import { localInputValue } from '../ui/local-time.ts';
import { copyText } from '../ui/copy.ts';
import { StatusBadge } from '../ui/StatusBadge.tsx';
import { previewLabel, recipientLabel } from './labels.ts';

/** An attempt's outcome in the words of the send statuses it leads to. */
const outcomeStatus = { sent: 'sent', failed: 'failed', unknown: 'outcome_unknown', retry: 'waiting', running: 'sending' } as const;

export function SendDetailPane({ id }: { id: string | undefined }) {
  const { t, lang } = useT();
  const detail = useSendDetail(id);
  const qc = useQueryClient();
  const toast = useUi((s) => s.toast);
  const selectSend = useUi((s) => s.selectSend);
  const [copied, setCopied] = useState<'curl' | 'id' | 'text' | undefined>(undefined);
  const copy = (what: 'curl' | 'id' | 'text', text: string) =>
    void copyText(text).then(
      () => setCopied(what),
      () => setCopied(undefined),
    );
  const time = new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'medium' });

  const act = useMutation({
    mutationFn: (action: 'retry' | 'markSent' | 'cancel') =>
      action === 'retry'
        ? client.sends.retry({ id: id! })
        : action === 'markSent'
          ? client.sends.resolve({ id: id!, as: 'sent' })
          : client.sends.cancel({ id: id! }),
    onSuccess: (s) => {
      // The lists follow from the host's history event; only this send's detail is fetched again now.
      void qc.invalidateQueries({ queryKey: keys.send(s.id) });
      if (s.id !== id) selectSend(s.id);
    },
  });

  const reschedule = useMutation({
    mutationFn: (at: number) => client.sends.reschedule({ id: id!, at }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.send(id!) }),
  });

  // An unknown outcome may already be a delivered message: repeating it is the operator's explicit call.
  const sendAgain = async (status: string) => {
    if (status === 'outcome_unknown' && !(await askConfirm({ message: t('history.sendAgainUnknown'), confirmLabel: t('history.retry') })))
      return;
    act.mutate('retry');
  };

  const openWith = (edit: boolean) => {
    if (!detail.data) return;
    const { missingFiles } = openInComposer(detail.data, { edit });
    if (missingFiles) toast({ tone: 'error', text: t('history.filesMissing', { count: missingFiles }) });
  };

  if (!id)
    return (
      <section className="detail empty">
        <p className="muted">{t('history.pickOne')}</p>
      </section>
    );
  if (!detail.data)
    return (
      <section className="detail">
        <p className="muted">{detail.error ? String(detail.error) : t('common.loading')}</p>
      </section>
    );
  const d = detail.data;
  return (
    <section className="detail" aria-label={t('history.detail')}>
      <header>
        <h2>{t('history.detail')}</h2>
        <StatusBadge status={d.status} unrecorded={d.unrecorded} />
        {d.sandbox && <span className="badge sandbox">{t('common.sandbox')}</span>}
      </header>
      <dl className="facts">
        <dt>{t('history.recipient')}</dt>
        <dd>
          {d.recipientName ? `${d.recipientName} · ` : ''}
          {recipientLabel(t, d.to)}
        </dd>
        <dt>{t('composer.account')}</dt>
        <dd>{d.accountName}</dd>
        <dt>{t('history.created')}</dt>
        <dd>{time.format(d.createdAt)}</dd>
        {d.resendOf && (
          <>
            <dt>{t('history.earlier')}</dt>
            <dd>
              <button type="button" className="link" onClick={() => selectSend(d.resendOf)}>
                {t('history.openEarlier')}
              </button>
            </dd>
          </>
        )}
        {d.providerMessageId && (
          <>
            <dt>{t('history.providerId')}</dt>
            <dd data-testid="provider-message-id">{d.providerMessageId}</dd>
          </>
        )}
        {d.scheduledAt && d.status === 'scheduled' && (
          <>
            <dt>{t('status.scheduled')}</dt>
            <dd>{time.format(d.scheduledAt)}</dd>
          </>
        )}
        {d.nextAttemptAt && d.status === 'waiting' && (
          <>
            <dt>{t('status.waiting')}</dt>
            <dd>{t('history.nextAttempt', { time: time.format(d.nextAttemptAt) })}</dd>
          </>
        )}
      </dl>
      {d.settlement && (
        <p className={`note settlement settlement-${d.settlement.result}`} data-testid="settlement">
          {d.settlement.result === 'found'
            ? t('settlement.found', {
                id: d.settlement.providerMessageId ?? '',
                time: d.settlement.providerAt ? time.format(d.settlement.providerAt) : '—',
                checked: time.format(d.settlement.checkedAt),
              })
            : d.settlement.result === 'cannot_tell'
              ? t(
                  d.provider === 'greenapi'
                    ? 'settlement.cannot_tell.greenapi'
                    : d.provider === 'diadoc'
                      ? 'settlement.cannot_tell.diadoc'
                      : 'settlement.cannot_tell.other',
                )
              : t(`settlement.${d.settlement.result}`, { checked: time.format(d.settlement.checkedAt) })}
        </p>
      )}
      <SentMessageActions d={d} />
      {d.error && (
        <p className={`error-box${d.status === 'outcome_unknown' ? ' warn' : ''}`} role="alert">
          <strong>{t('history.error')}:</strong> {describeError(t, d.error)}
        </p>
      )}
      {d.status === 'outcome_unknown' && <p className="note">{t('history.unknownExplain')}</p>}
      <div className="row actions">
        {d.status === 'outcome_unknown' && (
          <button type="button" onClick={() => act.mutate('markSent')}>
            {t('history.markSent')}
          </button>
        )}
        {(d.status === 'failed' || d.status === 'outcome_unknown' || d.status === 'cancelled') && (
          <button type="button" onClick={() => void sendAgain(d.status)}>
            {t('history.retry')}
          </button>
        )}
        {(d.status === 'scheduled' || d.status === 'pending' || d.status === 'waiting') && (
          <button type="button" onClick={() => act.mutate('cancel')}>
            {t('history.cancel')}
          </button>
        )}
        {d.status === 'scheduled' && (
          <button type="button" onClick={() => openWith(true)}>
            {t('history.edit')}
          </button>
        )}
        {d.status === 'scheduled' && (
          <label className="inline small">
            <span>{t('history.reschedule')}</span>
            <input
              type="datetime-local"
              aria-label={t('history.reschedule')}
              defaultValue={d.scheduledAt ? localInputValue(d.scheduledAt) : ''}
              onChange={(e) => {
                const at = new Date(e.target.value).getTime();
                if (at > Date.now()) reschedule.mutate(at);
              }}
            />
          </label>
        )}
        <button type="button" onClick={() => openWith(false)}>
          {t('history.openInComposer')}
        </button>
        {d.curl && (
          <button type="button" onClick={() => copy('curl', d.curl!)}>
            {copied === 'curl' ? t('common.copied') : t('history.copyCurl')}
          </button>
        )}
        <button type="button" onClick={() => copy('id', d.providerMessageId ?? d.id)}>
          {copied === 'id' ? t('common.copied') : t('history.copyId')}
        </button>
        <button type="button" onClick={() => copy('text', previewLabel(t, d.preview))}>
          {copied === 'text' ? t('common.copied') : t('history.copyText')}
        </button>
      </div>
      <h3>{t('history.message')}</h3>
      <pre className="message-view">{previewLabel(t, d.preview)}</pre>
      <SentContent d={d} />
      <h3>{t('history.attempts')}</h3>
      {d.attempts.length === 0 && <p className="muted">{t('history.noAttempts')}</p>}
      <ol className="attempts">
        {d.attempts.map((a) => (
          <li key={a.n} data-testid="attempt">
            <div className="attempt-head">
              <strong>{t('history.attempt', { n: a.n })}</strong> <time>{time.format(a.startedAt)}</time>{' '}
              <span className={`outcome outcome-${a.outcome}`}>{t(`status.${outcomeStatus[a.outcome]}`)}</span>
              {a.error && <span className="muted"> — {describeError(t, a.error)}</span>}
            </div>
            {a.exchanges.map((x, i) => (
              <details key={i}>
                <summary>
                  {x.method} {x.url} → {x.status ?? '—'} ({t('history.durationMs', { ms: Math.round(x.durationMs) })})
                </summary>
                <h4>{t('history.request')}</h4>
                <pre>
                  {Object.entries(x.requestHeaders)
                    .map(([k, v]) => `${k}: ${v}`)
                    .join('\n')}
                  {'\n\n'}
                  {x.requestBody}
                </pre>
                <h4>{t('history.response')}</h4>
                <pre>
                  {x.status === undefined
                    ? t('history.noResponse')
                    : `${x.status}\n${Object.entries(x.responseHeaders ?? {})
                        .map(([k, v]) => `${k}: ${v}`)
                        .join('\n')}\n\n${x.responseBody ?? ''}`}
                </pre>
              </details>
            ))}
          </li>
        ))}
      </ol>
    </section>
  );
}
