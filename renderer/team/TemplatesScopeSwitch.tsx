import { useT } from '../i18n/index.ts';
import { useTeamOn } from './queries.ts';
import { Segmented } from './Segmented.tsx';
import { useTeamUi } from './ui-state.ts';

/** Personal / Team above the templates; absent outside team mode, where every template is personal. */
export function TemplatesScopeSwitch() {
  const { t } = useT();
  const on = useTeamOn();
  const scope = useTeamUi((s) => s.templatesScope);
  const setScope = useTeamUi((s) => s.setTemplatesScope);
  if (!on) return null;
  return (
    <Segmented<'personal' | 'team'>
      label={t('team.templates.scope')}
      value={scope}
      options={[
        { value: 'personal', label: t('team.templates.personal') },
        { value: 'team', label: t('team.templates.team') },
      ]}
      onChange={setScope}
      testId="templates-scope"
    />
  );
}

/** The templates on screen: the team's only while this desktop is in a team. */
export function useTemplatesScope(): 'personal' | 'team' {
  const on = useTeamOn();
  const scope = useTeamUi((s) => s.templatesScope);
  return on ? scope : 'personal';
}
