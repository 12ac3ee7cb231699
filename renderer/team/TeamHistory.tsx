import { useMemo, useState } from 'react';
import { useT } from '../i18n/index.ts';
import { previewLabel, recipientLabel } from '../history/labels.ts';
import { useUi } from '../store.ts';
import { StatusLabel } from '../ui/StatusBadge.tsx';
import { useTeamSends, useTeamStatus } from './queries.ts';
import { HistoryScopeSwitch } from './HistoryScopeSwitch.tsx';
import { TeamSendDetail } from './TeamSendDetail.tsx';
import { useTeamUi } from './ui-state.ts';
import { useNow } from './use-now.ts';
import { formatMoment, knownProvider, knownStatus } from './words.ts';

/** The history's Team side: every operator's sends as the team server has them, newest first, with who sent each. */
export function TeamHistory() {
  const { t, lang } = useT();
  const status = useTeamStatus().data;
  const sends = useTeamSends(status?.configured === true);
  const [operator, setOperator] = useState('');
  const selectSend = useUi((s) => s.selectSend);
  const setScope = useTeamUi((s) => s.setHistoryScope);
  const selected = useTeamUi((s) => s.teamSendId);
  const selectTeamSend = useTeamUi((s) => s.selectTeamSend);
  const all = useMemo(() => sends.data ?? [], [sends.data]);
  const operators = useMemo(() => [...new Set(all.map((s) => s.operatorName))].sort((a, b) => a.localeCompare(b, lang)), [all, lang]);
  const rows = operator ? all.filter((s) => s.operatorName === operator) : all;
  const now = useNow();

  return (
    <div className="history-layout">
      <section className="history-list team-history" aria-labelledby="team-history-title">
        <h1 id="team-history-title">{t('history.title')}</h1>
        <HistoryScopeSwitch />
        <div className="filters">
          <select value={operator} onChange={(e) => setOperator(e.target.value)} aria-label={t('team.history.operator')}>
            <option value="">{t('team.history.operator')}</option>
            {operators.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <p className="muted small" aria-live="polite" data-testid="team-history-count">
          {sends.isLoading ? t('common.loading') : rows.length === 0 ? t('team.history.empty') : t('history.count', { count: rows.length })}
        </p>
        <ul className="team-sends" data-testid="team-sends">
          {rows.map((s) => {
            const provider = knownProvider(s.provider);
            const st = knownStatus(s.status);
            const who = s.mine ? t('team.history.me', { name: s.operatorName }) : s.operatorName;
            const top = (
              <>
                <span className="row-top">
                  {st ? <StatusLabel status={st} t={t} /> : <span className="status">{s.status}</span>}
                  <span className={`prov prov-${s.provider}`}>{provider ? t(`provider.${provider}`) : s.provider}</span>
                  <span className="operator">{who}</span>
                  <span className="recipient">{recipientLabel(t, s.to)}</span>
                  <time className="muted" dateTime={new Date(s.createdAt).toISOString()}>
                    {formatMoment(lang, s.createdAt, now)}
                  </time>
                </span>
                <span className="row-preview">{previewLabel(t, s.preview)}</span>
              </>
            );
            return (
              <li key={s.id} data-send-id={s.id}>
                {s.mine ? (
                  // This desktop's own send opens where its detail lives: the Mine side.
                  <button
                    type="button"
                    className="team-send"
                    onClick={() => {
                      selectSend(s.id);
                      setScope('mine');
                    }}
                  >
                    {top}
                  </button>
                ) : (
                  <button
                    type="button"
                    className={`team-send${s.id === selected ? ' selected' : ''}`}
                    aria-pressed={s.id === selected}
                    onClick={() => selectTeamSend(s.id)}
                  >
                    {top}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      </section>
      <TeamSendDetail id={selected} />
    </div>
  );
}
