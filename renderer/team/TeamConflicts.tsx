import { useT } from '../i18n/index.ts';
import { useTeamConflicts, useTeamOn } from './queries.ts';
import { useNow } from './use-now.ts';
import { formatMoment } from './words.ts';

/** Chats this desktop answered while another operator held them: settled by the server, shown so nobody answers twice unknowingly. */
export function TeamConflicts() {
  const { t, lang } = useT();
  const on = useTeamOn();
  const conflicts = useTeamConflicts(on).data ?? [];
  const now = useNow();
  if (conflicts.length === 0) return null;
  return (
    <div className="team-conflicts" data-testid="team-conflicts">
      <h4>{t('team.conflicts.title')}</h4>
      <ul>
        {conflicts.map((c) => (
          <li key={`${c.kind}:${c.chat}:${c.at}`}>
            {t(c.kind === 'claim_refused' ? 'team.conflicts.claim_refused' : 'team.conflicts.team', {
              chat: c.chat,
              name: c.by,
              time: formatMoment(lang, c.since, now),
            })}
          </li>
        ))}
      </ul>
    </div>
  );
}
