import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { AccountCreate, AccountView, CheckResult } from '../../shared/accounts.ts';
import { client, keys, useAccounts, useAppInfo } from '../api.ts';
import { hasKey, useT } from '../i18n/index.ts';
import { useUi } from '../store.ts';
import { DeleteButton } from '../ui/DeleteButton.tsx';
import { AccountForm } from './AccountForm.tsx';

export function AccountsView() {
  const { t } = useT();
  const accounts = useAccounts();
  const info = useAppInfo();
  const qc = useQueryClient();
  const toast = useUi((s) => s.toast);
  const [editing, setEditing] = useState<AccountView | 'new' | undefined>();
  const [checks, setChecks] = useState<Record<string, CheckResult>>({});
  const refresh = () => qc.invalidateQueries({ queryKey: keys.accounts });
  const unprotected = info.data?.secretStorage === 'basic_text' || info.data?.secretStorage === 'unavailable';

  const remove = useMutation({ mutationFn: (id: string) => client.accounts.remove({ id }), onSuccess: refresh });
  const makeDefault = useMutation({
    mutationFn: (id: string) => client.accounts.update({ id, isDefault: true }),
    onSuccess: refresh,
  });
  const sandbox = useMutation({ mutationFn: () => client.accounts.createSandbox(), onSuccess: refresh });
  const exportAll = useMutation({
    mutationFn: () => client.accounts.export(),
    onSuccess: ({ fileName, json }) => {
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
      a.download = fileName;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    },
  });
  const importFile = useMutation({
    mutationFn: async (file: File) => client.accounts.import({ json: await file.text() }),
    onSuccess: (r) => {
      toast({ tone: 'ok', text: t('accounts.imported', { count: r.imported }) });
      void refresh();
    },
  });
  const check = useMutation({
    mutationFn: (id: string) => client.accounts.check({ id }),
    onSuccess: (r, id) => setChecks((c) => ({ ...c, [id]: r })),
  });

  const list = accounts.data ?? [];
  const submit = async (input: AccountCreate) => {
    if (editing && editing !== 'new') {
      const { settings, name, baseUrl, secrets, allowPlaintextSecrets } = input;
      await client.accounts.update({
        id: editing.id,
        name,
        settings,
        ...(baseUrl ? { baseUrl } : {}),
        ...(Object.keys(secrets).length ? { secrets } : {}),
        ...(allowPlaintextSecrets ? { allowPlaintextSecrets } : {}),
      });
      toast({ tone: 'ok', text: t('accounts.saved') });
    } else {
      await client.accounts.create(input);
      toast({ tone: 'ok', text: t('accounts.created') });
    }
    setEditing(undefined);
    await refresh();
  };

  return (
    <section className="accounts" aria-label={t('accounts.title')}>
      <header className="row">
        <h1>{t('accounts.title')}</h1>
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          {t('accounts.add')}
        </button>
        <button type="button" onClick={() => exportAll.mutate()} disabled={list.length === 0}>
          {t('accounts.export')}
        </button>
        <label className="button-like">
          {t('accounts.import')}
          <input
            type="file"
            accept="application/json,.json"
            className="sr-only"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) importFile.mutate(f);
              e.target.value = '';
            }}
          />
        </label>
        {info.data?.sandboxOffered && (
          <button type="button" onClick={() => sandbox.mutate()}>
            {t('accounts.createSandbox')}
          </button>
        )}
      </header>
      {editing && (
        <AccountForm
          key={editing === 'new' ? 'new' : editing.id}
          {...(editing !== 'new' ? { existing: editing } : {})}
          unprotected={unprotected}
          onSubmit={submit}
          onCancel={() => setEditing(undefined)}
        />
      )}
      {list.length === 0 && !editing && <p className="muted">{t('accounts.none')}</p>}
      <ul className="account-list">
        {list.map((a) => {
          const c = checks[a.id];
          return (
            <li key={a.id} className={`account provider-${a.provider}`} data-account-id={a.id}>
              <div className="account-main">
                <strong>{a.name}</strong> <span className="muted">{t(`provider.${a.provider}`)}</span>
                {a.sandbox && <span className="badge sandbox">{t('common.sandbox')}</span>}
                {a.isDefault && <span className="badge">{t('accounts.default')}</span>}
                {a.plaintextSecrets && <span className="badge warn">{t('accounts.plaintext')}</span>}
                <div className="muted small">
                  {a.sandbox ? (
                    t('accounts.sandboxDetail')
                  ) : (
                    <>
                      {a.baseUrl} ·{' '}
                      {a.secretState.token.set ? (
                        a.secretState.token.mask
                      ) : (
                        <span className="warn">{t(a.secretState.cleared ? 'reason.secret_origin_changed' : 'accounts.noToken')}</span>
                      )}
                    </>
                  )}
                </div>
                {c && (
                  <div className={c.ok ? 'ok small' : 'error small'} role="status">
                    {c.ok ? t('accounts.checkOk') : t('accounts.checkFail')}
                    {hasKey(`reason.${c.reason}`) ? ` — ${t(`reason.${c.reason}` as never)}` : c.reason ? ` — ${c.reason}` : ''}
                    {c.detail ? ` (${c.detail})` : ''}
                  </div>
                )}
              </div>
              <div className="row">
                <button type="button" onClick={() => check.mutate(a.id)}>
                  {t('accounts.check')}
                </button>
                <button type="button" onClick={() => setEditing(a)}>
                  {t('common.edit')}
                </button>
                {!a.isDefault && (
                  <button type="button" onClick={() => makeDefault.mutate(a.id)}>
                    {t('accounts.makeDefault')}
                  </button>
                )}
                <DeleteButton question={t('accounts.confirmDelete', { name: a.name })} onConfirmed={() => remove.mutate(a.id)} />
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
