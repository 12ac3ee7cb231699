import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { templateLimits, type Template } from '../../shared/templates.ts';
import { client, keys, useTemplates } from '../api.ts';
import { useT } from '../i18n/index.ts';
import { useUi } from '../store.ts';
import { DeleteButton } from '../ui/DeleteButton.tsx';
import { TeamTemplates } from '../team/TeamTemplates.tsx';
import { TemplatesScopeSwitch, useTemplatesScope } from '../team/TemplatesScopeSwitch.tsx';

/** The templates: this operator's own, or in team mode the team's, by the Personal / Team switch. */
export function TemplatesView() {
  return useTemplatesScope() === 'team' ? <TeamTemplates /> : <PersonalTemplates />;
}

function PersonalTemplates() {
  const { t } = useT();
  const templates = useTemplates().data ?? [];
  const qc = useQueryClient();
  const toast = useUi((s) => s.toast);
  const [editing, setEditing] = useState<Partial<Template> | undefined>();
  const save = useMutation({
    mutationFn: (tp: Partial<Template>) =>
      client.templates.save({ ...(tp.id ? { id: tp.id } : {}), name: tp.name ?? '', body: tp.body ?? '' }),
    onSuccess: () => {
      setEditing(undefined);
      toast({ tone: 'ok', text: t('templates.saved') });
      void qc.invalidateQueries({ queryKey: keys.templates });
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => client.templates.remove({ id }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.templates }),
  });

  return (
    <section className="accounts" aria-label={t('templates.title')}>
      <header className="row">
        <h1>{t('templates.title')}</h1>
        <button type="button" className="primary" onClick={() => setEditing({ name: '', body: '' })}>
          {t('templates.add')}
        </button>
      </header>
      <TemplatesScopeSwitch />
      {editing && (
        <form
          className="account-form"
          aria-label={t('templates.add')}
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(editing);
          }}
        >
          <label className="field">
            <span>{t('templates.name')}</span>
            <input
              value={editing.name ?? ''}
              onChange={(e) => setEditing({ ...editing, name: e.target.value })}
              maxLength={templateLimits.nameMax}
              required
            />
          </label>
          <label className="field">
            <span>{t('templates.body')}</span>
            <textarea rows={6} value={editing.body ?? ''} onChange={(e) => setEditing({ ...editing, body: e.target.value })} required />
          </label>
          <div className="row">
            <button type="submit" className="primary">
              {t('common.save')}
            </button>
            <button type="button" onClick={() => setEditing(undefined)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
      {templates.length === 0 && !editing && <p className="muted">{t('templates.none')}</p>}
      <ul className="account-list">
        {templates.map((tp) => (
          <li key={tp.id} className="account">
            <div className="account-main">
              <strong>{tp.name}</strong>
              <span className="muted small">{tp.body.slice(0, 140)}</span>
            </div>
            <div className="row">
              <button type="button" onClick={() => setEditing(tp)}>
                {t('common.edit')}
              </button>
              <DeleteButton question={t('templates.confirmDelete', { name: tp.name })} onConfirmed={() => remove.mutate(tp.id)} />
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
