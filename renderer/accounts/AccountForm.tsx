import { useState } from 'react';
import type { AccountCreate, AccountSettings, AccountView } from '../../shared/accounts.ts';
import { accountLimits } from '../../shared/account-limits.ts';
import { secretOrigins } from '../../shared/secret-origins.ts';
import type { SendError } from '../../shared/errors.ts';
import { isOperatorError } from '../../shared/operator-error.ts';
import { officialBaseUrls, providerIds, type ProviderId } from '../../shared/providers.ts';
import { describeError, useT } from '../i18n/index.ts';

function defaultSettings(p: ProviderId): AccountSettings {
  switch (p) {
    case 'greenapi':
      return { provider: 'greenapi', form: 'v1' };
    case 'pachca':
      return { provider: 'pachca', isBot: false };
    case 'market':
      return { provider: 'market' };
    case 'diadoc':
      return { provider: 'diadoc', authScheme: 'bearer' };
  }
}

interface Props {
  existing?: AccountView;
  /** Whether secrets would be stored without OS protection (the operator must agree). */
  unprotected: boolean;
  onSubmit: (input: AccountCreate) => Promise<unknown>;
  onCancel: () => void;
}

/** Create or edit an account. Secrets are write-only: an existing one shows only its mask. */
export function AccountForm({ existing, unprotected, onSubmit, onCancel }: Props) {
  const { t } = useT();
  const [provider, setProvider] = useState<ProviderId>(existing?.provider ?? 'greenapi');
  const [name, setName] = useState(existing?.name ?? '');
  const [baseUrl, setBaseUrl] = useState(existing && !existing.sandbox ? existing.baseUrl : '');
  const [settings, setSettings] = useState<AccountSettings>(existing?.settings ?? defaultSettings('greenapi'));
  const [token, setToken] = useState('');
  const [clientId, setClientId] = useState('');
  const [allowPlain, setAllowPlain] = useState(false);
  const [error, setError] = useState<SendError | undefined>();
  const [busy, setBusy] = useState(false);

  const pick = (p: ProviderId) => {
    setProvider(p);
    setSettings(defaultSettings(p));
  };
  // A Green-API instance has its own address (green-api.md §7): no shared default to fall back on.
  const ownApiUrl = settings.provider === 'greenapi' && settings.form === 'instance';
  const patch = (p: Partial<AccountSettings>) => setSettings({ ...settings, ...p } as AccountSettings);
  // A token is bound to the server it was entered for: say so before a new address clears it.
  const movesSecrets =
    existing !== undefined &&
    !existing.sandbox &&
    existing.secretState.token.set &&
    secretOrigins(baseUrl.trim() || officialBaseUrls[provider], settings) !== secretOrigins(existing.baseUrl, existing.settings);

  return (
    <form
      className="account-form"
      aria-label={existing ? t('common.edit') : t('accounts.add')}
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setError(undefined);
        const secrets = { ...(token.trim() ? { token: token.trim() } : {}), ...(clientId.trim() ? { clientId: clientId.trim() } : {}) };
        onSubmit({
          name,
          ...(baseUrl.trim() ? { baseUrl: baseUrl.trim() } : {}),
          settings,
          secrets,
          ...(allowPlain ? { allowPlaintextSecrets: true } : {}),
        })
          .catch((err: unknown) => setError(isOperatorError(err) ? err.error : { kind: 'provider_error', message: String(err) }))
          .finally(() => setBusy(false));
      }}
    >
      {!existing && (
        <label className="field">
          <span>{t('accounts.provider')}</span>
          <select name="provider" value={provider} onChange={(e) => pick(e.target.value as ProviderId)}>
            {providerIds.map((p) => (
              <option key={p} value={p}>
                {t(`provider.${p}`)}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="field">
        <span>{t('accounts.name')}</span>
        <input name="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={accountLimits.nameMax} required />
      </label>
      {!existing?.sandbox && (
        <label className="field">
          <span>{ownApiUrl ? t('accounts.apiUrl') : t('accounts.baseUrl')}</span>
          <input
            name="baseUrl"
            value={baseUrl}
            onChange={(e) => setBaseUrl(e.target.value)}
            placeholder={ownApiUrl ? 'https://1101.api.green-api.com' : officialBaseUrls[provider]}
            inputMode="url"
            required={ownApiUrl}
          />
          <small className="hint">{ownApiUrl ? t('accounts.apiUrlHint') : t('accounts.baseUrlHint')}</small>
        </label>
      )}
      {settings.provider === 'greenapi' && (
        <>
          <label className="field">
            <span>{t('accounts.form')}</span>
            <select name="form" value={settings.form} onChange={(e) => patch({ form: e.target.value as 'v1' | 'instance' })}>
              <option value="v1">{t('accounts.form.v1')}</option>
              <option value="instance">{t('accounts.form.instance')}</option>
            </select>
          </label>
          {settings.form === 'instance' && (
            <label className="field">
              <span>{t('accounts.idInstance')}</span>
              <input
                name="idInstance"
                value={settings.idInstance ?? ''}
                onChange={(e) => patch({ idInstance: e.target.value })}
                inputMode="numeric"
              />
            </label>
          )}
        </>
      )}
      {settings.provider === 'pachca' && (
        <label className="inline">
          <input type="checkbox" name="isBot" checked={settings.isBot} onChange={(e) => patch({ isBot: e.target.checked })} />{' '}
          {t('accounts.isBot')}
        </label>
      )}
      {settings.provider === 'market' && (
        <label className="field">
          <span>{t('accounts.businessId')}</span>
          <input
            name="businessId"
            value={settings.businessId ?? ''}
            onChange={(e) => patch({ businessId: e.target.value })}
            inputMode="numeric"
          />
        </label>
      )}
      {settings.provider === 'diadoc' && (
        <>
          <label className="field">
            <span>{t('accounts.authScheme')}</span>
            <select
              name="authScheme"
              value={settings.authScheme}
              onChange={(e) => patch({ authScheme: e.target.value as 'bearer' | 'legacy' })}
            >
              <option value="bearer">{t('accounts.auth.bearer')}</option>
              <option value="legacy">{t('accounts.auth.legacy')}</option>
            </select>
          </label>
          <label className="field">
            <span>{t('accounts.fromBoxId')}</span>
            <input name="fromBoxId" value={settings.fromBoxId ?? ''} onChange={(e) => patch({ fromBoxId: e.target.value })} />
          </label>
          {settings.authScheme === 'legacy' && (
            <label className="field">
              <span>{t('accounts.clientId')}</span>
              <input name="clientId" type="password" autoComplete="off" value={clientId} onChange={(e) => setClientId(e.target.value)} />
            </label>
          )}
        </>
      )}
      {!existing?.sandbox && (
        <label className="field">
          <span>{existing?.secretState.token.set ? t('accounts.tokenReplace') : t('accounts.token')}</span>
          <input name="token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />
          {existing?.secretState.token.set && (
            <small className="hint">{t('accounts.tokenSet', { mask: existing.secretState.token.mask })}</small>
          )}
          {existing?.secretState.cleared === 'origin_changed' && (
            <small className="hint warn" role="status">
              {t('accounts.secretCleared')}
            </small>
          )}
          {movesSecrets && (
            <small className="hint warn" role="status">
              {t('accounts.originChangeWarning')}
            </small>
          )}
        </label>
      )}
      {unprotected && !existing?.sandbox && (
        <label className="inline warn">
          <input type="checkbox" checked={allowPlain} onChange={(e) => setAllowPlain(e.target.checked)} /> {t('accounts.allowPlaintext')}
        </label>
      )}
      {error && (
        <p className="error-box" role="alert">
          {describeError(t, error)}
        </p>
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {t('common.save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
