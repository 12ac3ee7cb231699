import { shortcutLabel, shortcuts } from '../../shared/shortcuts.ts';
import { useSetSettings, useSettings } from '../api.ts';
import { useT, type DictKey } from '../i18n/index.ts';
import { TeamSettings } from '../team/TeamSettings.tsx';

const mac = /Mac/i.test(navigator.platform);

/** The operator's settings and the help for the app's keyboard shortcuts (the same table the menu binds). */
export function SettingsView() {
  const { t, lang } = useT();
  const settings = useSettings().data;
  const save = useSetSettings();
  return (
    <section className="settings" aria-labelledby="settings-title">
      <h2 id="settings-title">{t('settings.title')}</h2>
      <label className="field">
        <span>{t('settings.language')}</span>
        <select value={lang} onChange={(e) => save.mutate({ language: e.target.value === 'en' ? 'en' : 'ru' })}>
          <option value="ru">Русский</option>
          <option value="en">English</option>
        </select>
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={settings?.notifications ?? false}
          onChange={(e) => save.mutate({ notifications: e.target.checked })}
        />
        <span>{t('settings.notifications')}</span>
      </label>
      <TeamSettings />
      <h3>{t('settings.shortcuts')}</h3>
      <dl className="shortcuts">
        {shortcuts.map((s) => (
          <div key={s.command}>
            <dt>
              <kbd>{shortcutLabel(s.accelerator, mac)}</kbd>
            </dt>
            <dd>{t(`shortcut.${s.command}` as DictKey)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
