import { useMemo } from 'react';
import { isOperatorError } from '../../shared/operator-error.ts';
import type { TeamSendDetail as Detail } from '../../shared/team.ts';
import { describeError, useT, type Translate } from '../i18n/index.ts';
import { previewLabel, recipientLabel } from '../history/labels.ts';
import { StatusLabel } from '../ui/StatusBadge.tsx';
import { useTeamSend } from './queries.ts';
import { knownProvider, knownStatus } from './words.ts';

/** A status from the team server in words: this build's own words when it knows it, as it came otherwise. */
function Status({ status, t }: { status: string; t: Translate }) {
  const known = knownStatus(status);
  return known ? <StatusLabel status={known} t={t} /> : <span className="status">{status}</span>;
}

function accountText(t: Translate, d: Detail): string {
  if (d.accountName) return t('team.detail.accountYours', { name: d.accountName });
  return d.cabinet ? t('team.detail.cabinet', { cabinet: d.cabinet }) : '—';
}

/**
 * A colleague's send as the team server has it: who sent what to whom and when, its status now
 * and each change the audit trail recorded, and the provider's message id. Nothing of it can be
 * resent from here: the send, its token and its files live on the colleague's desktop.
 */
export function TeamSendDetail({ id }: { id: string | undefined }) {
  const { t, lang } = useT();
  const detail = useTeamSend(id);
  const time = useMemo(() => new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'medium' }), [lang]);

  if (!id)
    return (
      <section className="detail empty">
        <p className="muted">{t('team.detail.pickOne')}</p>
      </section>
    );
  if (!detail.data)
    return (
      <section className="detail">
        <p className="muted" role={detail.error ? 'alert' : undefined}>
          {detail.error
            ? isOperatorError(detail.error)
              ? describeError(t, detail.error.error)
              : String(detail.error)
            : t('common.loading')}
        </p>
      </section>
    );
  const d = detail.data;
  const provider = knownProvider(d.provider);
  return (
    <section className="detail" aria-label={t('team.detail.title')} data-testid="team-send-detail">
      <header>
        <h2>{t('team.detail.title')}</h2>
        <Status status={d.status} t={t} />
      </header>
      <dl className="facts">
        <dt>{t('team.detail.operator')}</dt>
        <dd>{d.mine ? t('team.history.me', { name: d.operatorName }) : d.operatorName}</dd>
        <dt>{t('team.detail.provider')}</dt>
        <dd>{provider ? t(`provider.${provider}`) : d.provider}</dd>
        <dt>{t('composer.account')}</dt>
        <dd>{accountText(t, d)}</dd>
        <dt>{t('history.recipient')}</dt>
        <dd>{recipientLabel(t, d.to)}</dd>
        <dt>{t('history.created')}</dt>
        <dd>
          <time dateTime={new Date(d.createdAt).toISOString()}>{time.format(d.createdAt)}</time>
        </dd>
        <dt>{t('team.detail.received')}</dt>
        <dd>
          <time dateTime={new Date(d.syncedAt).toISOString()}>{time.format(d.syncedAt)}</time>
        </dd>
        {d.providerMessageId && (
          <>
            <dt>{t('history.providerId')}</dt>
            <dd data-testid="team-provider-message-id">{d.providerMessageId}</dd>
          </>
        )}
      </dl>
      <h3>{t('team.detail.content')}</h3>
      <p className="team-detail-preview">{previewLabel(t, d.preview)}</p>
      <h3>{t('team.detail.trail')}</h3>
      {d.trail.length === 0 ? (
        <p className="muted">{t('team.detail.trailEmpty')}</p>
      ) : (
        <ol className="team-trail" data-testid="team-trail">
          {d.trail.map((e) => (
            <li key={`${e.kind}:${e.status}:${e.at}`}>
              <time dateTime={new Date(e.at).toISOString()}>{time.format(e.at)}</time>{' '}
              {e.kind === 'send' ? t('team.detail.trailFirst', { name: e.operatorName }) : t('team.detail.trailStatus')}{' '}
              <Status status={e.status} t={t} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
