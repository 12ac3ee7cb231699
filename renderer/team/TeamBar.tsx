import { useT } from '../i18n/index.ts';
import './team.css';
import { useUi } from '../store.ts';
import { useTeamConflicts, useTeamStatus } from './queries.ts';
import { useNow } from './use-now.ts';
import { liveness, presenceText, type TeamStatusView } from './words.ts';

/** Whether the team view is live or "as of" a time, who is online and what the team has not received yet; nothing outside team mode. */
export function TeamBar() {
  const status = useTeamStatus().data;
  return status?.configured ? <TeamLine status={status} /> : null;
}

function TeamLine({ status }: { status: TeamStatusView }) {
  const { t, lang } = useT();
  const now = useNow();
  const conflicts = useTeamConflicts(true).data?.length ?? 0;
  const setView = useUi((s) => s.setView);
  const live = liveness(t, lang, status, now);
  if (!live) return null;
  const presence = presenceText(t, lang, status);
  return (
    <div className="team-bar small" data-testid="team-bar">
      <p className={`team-live team-tone-${live.tone}`}>{live.text}</p>
      {presence && <p className="team-presence">{presence}</p>}
      {status.pending > 0 && <p className="muted">{t('team.pending', { count: status.pending })}</p>}
      {conflicts > 0 && (
        // Listed in full in the settings' team section.
        <button type="button" className="link" onClick={() => setView('settings')}>
          {t('team.conflicts.count', { count: conflicts })}
        </button>
      )}
    </div>
  );
}
