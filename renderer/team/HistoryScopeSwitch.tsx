import { useT } from '../i18n/index.ts';
import { useTeamOn } from './queries.ts';
import { Segmented } from './Segmented.tsx';
import { useTeamUi, type Scope } from './ui-state.ts';

/** Mine / Team above the history; absent outside team mode, where the history is simply this desktop's. */
export function HistoryScopeSwitch() {
  const { t } = useT();
  const on = useTeamOn();
  const scope = useTeamUi((s) => s.historyScope);
  const setScope = useTeamUi((s) => s.setHistoryScope);
  if (!on) return null;
  return (
    <Segmented<Scope>
      label={t('team.scope')}
      value={scope}
      options={[
        { value: 'mine', label: t('team.mine') },
        { value: 'team', label: t('team.team') },
      ]}
      onChange={setScope}
      testId="history-scope"
    />
  );
}

/** The side of the history on screen: Team only while this desktop is in a team. */
export function useHistoryScope(): Scope {
  const on = useTeamOn();
  const scope = useTeamUi((s) => s.historyScope);
  return on ? scope : 'mine';
}
