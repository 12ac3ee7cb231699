import { useT } from '../i18n/index.ts';
import { useTeamConflicts, useTeamOn, useTeamTemplates } from './queries.ts';
import { useNow } from './use-now.ts';
import { conflictSubject, formatMoment } from './words.ts';

/** What the server settled against this team's operators: a chat answered while someone else held it, a template saved over a newer one. */
export function TeamConflicts() {
  const { t, lang } = useT();
  const on = useTeamOn();
  const conflicts = useTeamConflicts(on).data ?? [];
  const templates = useTeamTemplates(on).data ?? [];
  const now = useNow();
  if (conflicts.length === 0) return null;
  return (
    <div className="team-conflicts" data-testid="team-conflicts">
      <h4>{t('team.conflicts.title')}</h4>
      <ul>
        {conflicts.map((c) => (
          <li key={`${c.kind}:${c.chat}:${c.at}`}>
            {t(c.kind === 'claim_refused' ? 'team.conflicts.claim_refused' : 'team.conflicts.team', {
              chat: conflictSubject(t, c.chat, templates),
              name: c.by,
              time: formatMoment(lang, c.since, now),
            })}
          </li>
        ))}
      </ul>
    </div>
  );
}
