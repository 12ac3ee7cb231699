import { useState } from 'react';
import { useT } from '../i18n/index.ts';
import { useUi } from '../store.ts';
import { askConfirm } from '../ui/confirm.ts';
import { useDeleteTeamTemplate, useSaveTeamTemplate, useTeamOn, useTeamTemplates } from './queries.ts';
import { TemplatesScopeSwitch } from './TemplatesScopeSwitch.tsx';
import { useNow } from './use-now.ts';
import { formatMoment } from './words.ts';

interface Draft {
  id?: string;
  name: string;
  body: string;
  /** The version the operator started from; 0 for a new template. The server saves only over it. */
  baseVersion: number;
}

interface Conflict {
  version: number;
  body: string;
  name: string;
  by: string;
  /** A colleague deleted the template while this operator edited it. */
  deleted?: true;
}

/**
 * The team's shared templates. A save goes over the version the operator edited or not at all:
 * when a colleague saved a newer one meanwhile, the operator's text stays in the form, the newer
 * one can be shown beside it, and the operator chooses.
 */
export function TeamTemplates() {
  const { t, lang } = useT();
  const on = useTeamOn();
  const templates = useTeamTemplates(on);
  const save = useSaveTeamTemplate();
  const remove = useDeleteTeamTemplate();
  const toast = useUi((s) => s.toast);
  const [draft, setDraft] = useState<Draft | undefined>();
  const [conflict, setConflict] = useState<Conflict | undefined>();
  const [offline, setOffline] = useState(false);
  const [both, setBoth] = useState(false);
  const now = useNow();

  const edit = (d: Draft | undefined) => {
    setDraft(d);
    setConflict(undefined);
    setOffline(false);
    setBoth(false);
  };
  const submit = (d: Draft) =>
    save.mutate(
      { ...(d.id ? { id: d.id } : {}), name: d.name, body: d.body, baseVersion: d.baseVersion },
      {
        onSuccess: (r) => {
          if (r.ok) {
            edit(undefined);
            toast({ tone: 'ok', text: t('team.templates.saved') });
          } else if (r.conflict) {
            setConflict(r.conflict);
            setOffline(false);
          } else setOffline(true);
        },
      },
    );

  /**
   * Deleting asks first, naming the version the operator sees. Should a colleague have saved a newer
   * one meanwhile, the server refuses and the operator is asked again about that version.
   */
  const askDelete = async (tp: { id: string; name: string; version: number }) => {
    let seen = { version: tp.version, name: tp.name, by: '' };
    let message = t('team.templates.confirmDelete', { name: tp.name, version: tp.version });
    for (;;) {
      if (!(await askConfirm({ message, confirmLabel: t('team.templates.delete') }))) return;
      // A failed call is already told by the query client's own error toast.
      const r = await remove.mutateAsync({ id: tp.id, baseVersion: seen.version }).catch(() => undefined);
      if (!r) return;
      if (r.ok) {
        if (draft?.id === tp.id) edit(undefined);
        toast({ tone: 'ok', text: t('team.templates.deleted') });
        return;
      }
      if (!r.conflict) {
        toast({ tone: 'error', text: t('team.templates.deleteOffline') });
        return;
      }
      seen = { version: r.conflict.version, name: r.conflict.name, by: r.conflict.by };
      message = t('team.templates.confirmDeleteNewer', seen);
    }
  };

  return (
    <section className="accounts" aria-labelledby="team-templates-title">
      <header className="row">
        <h1 id="team-templates-title">{t('templates.title')}</h1>
        <button type="button" className="primary" onClick={() => edit({ name: '', body: '', baseVersion: 0 })}>
          {t('templates.add')}
        </button>
      </header>
      <TemplatesScopeSwitch />
      {draft && (
        <form
          className="account-form"
          aria-label={draft.id ? t('common.edit') : t('templates.add')}
          onSubmit={(e) => {
            e.preventDefault();
            submit(draft);
          }}
        >
          <label className="field">
            <span>{t('templates.name')}</span>
            <input value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} maxLength={100} required />
          </label>
          <div className={both && conflict ? 'template-both' : undefined}>
            <label className="field">
              <span>{both && conflict ? t('team.templates.yours') : t('templates.body')}</span>
              <textarea rows={6} value={draft.body} onChange={(e) => setDraft({ ...draft, body: e.target.value })} required />
            </label>
            {both && conflict && (
              <div className="field" data-testid="template-theirs">
                <span>{t('team.templates.theirs', { version: conflict.version, name: conflict.by })}</span>
                <pre className="template-theirs">{conflict.body}</pre>
              </div>
            )}
          </div>
          {conflict?.deleted && (
            <div className="error-box warn" role="alert">
              <p>
                {conflict.by ? t('team.templates.deletedMeanwhile', { name: conflict.by }) : t('team.templates.deletedMeanwhileNoName')}
              </p>
              <div className="row">
                <button
                  type="button"
                  onClick={() => {
                    // A new template of its own: the deleted one's id and its trail stay as they were.
                    const fresh = { name: draft.name, body: draft.body, baseVersion: 0 };
                    setDraft(fresh);
                    submit(fresh);
                  }}
                >
                  {t('team.templates.saveAsNew')}
                </button>
              </div>
            </div>
          )}
          {conflict && !conflict.deleted && (
            <div className="error-box warn" role="alert">
              <p>{t('team.templates.conflict', { name: conflict.by, version: conflict.version })}</p>
              <div className="row">
                {!both && (
                  <button type="button" onClick={() => setBoth(true)}>
                    {t('team.templates.showBoth')}
                  </button>
                )}
                <button
                  type="button"
                  onClick={() => {
                    const over = { ...draft, baseVersion: conflict.version };
                    setDraft(over);
                    submit(over);
                  }}
                >
                  {t('team.templates.keepMine', { version: conflict.version })}
                </button>
                <button
                  type="button"
                  onClick={() => edit({ ...draft, name: conflict.name, body: conflict.body, baseVersion: conflict.version })}
                >
                  {t('team.templates.takeTheirs')}
                </button>
              </div>
            </div>
          )}
          {offline && (
            <p className="error-box" role="alert">
              {t('team.templates.offline')}
            </p>
          )}
          <div className="row">
            <button type="submit" className="primary" disabled={save.isPending}>
              {t('common.save')}
            </button>
            <button type="button" onClick={() => edit(undefined)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
      {templates.data?.length === 0 && !draft && <p className="muted">{t('team.templates.none')}</p>}
      <ul className="account-list team-templates" data-testid="team-templates">
        {(templates.data ?? []).map((tp) => (
          <li key={tp.id} className="account">
            <div className="account-main">
              <strong>{tp.name}</strong>
              <span className="muted small">{tp.body.slice(0, 140)}</span>
              <span className="muted small">
                {t('team.templates.version', { version: tp.version, name: tp.updatedBy, time: formatMoment(lang, tp.updatedAt, now) })}
              </span>
            </div>
            <div className="row">
              <button type="button" onClick={() => edit({ id: tp.id, name: tp.name, body: tp.body, baseVersion: tp.version })}>
                {t('common.edit')}
              </button>
              <button type="button" className="danger" disabled={remove.isPending} onClick={() => void askDelete(tp)}>
                {t('team.templates.delete')}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
