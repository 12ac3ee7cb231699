import { useState } from 'react';
import type { SendError } from '../../shared/errors.ts';
import { isOperatorError } from '../../shared/operator-error.ts';
import { describeError, useT } from '../i18n/index.ts';
import { askConfirm } from '../ui/confirm.ts';
import { TeamConflicts } from './TeamConflicts.tsx';
import { useTeamConnect, useTeamDisconnect, useTeamStatus } from './queries.ts';
import { useNow } from './use-now.ts';
import { liveness } from './words.ts';

/** Settings' team section: the sign-in form, or who this desktop is on which server and the way out. */
export function TeamSettings() {
  const { t, lang } = useT();
  const status = useTeamStatus().data;
  const connect = useTeamConnect();
  const disconnect = useTeamDisconnect();
  const [server, setServer] = useState('');
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<SendError | undefined>();
  const now = useNow();

  if (!status) return null;
  const live = liveness(t, lang, status, now);
  return (
    <section className="team-settings" aria-labelledby="team-settings-title">
      <h3 id="team-settings-title">{t('team.title')}</h3>
      {!status.available ? (
        <p className="muted" data-testid="team-unavailable">
          {t('team.unavailable')}
        </p>
      ) : status.configured ? (
        <>
          <p data-testid="team-connected">
            {status.operator
              ? t('team.connectedAs', { server: status.server ?? '', name: status.operator.name })
              : t('team.connectedTo', { server: status.server ?? '' })}
          </p>
          {live && <p className={`team-live team-tone-${live.tone}`}>{live.text}</p>}
          <TeamConflicts />
          <button
            type="button"
            onClick={() =>
              void askConfirm({ message: t('team.confirmDisconnect'), confirmLabel: t('team.disconnect') }).then(
                (ok) => ok && disconnect.mutate(),
              )
            }
          >
            {t('team.disconnect')}
          </button>
        </>
      ) : (
        <form
          className="account-form"
          aria-labelledby="team-settings-title"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setError(undefined);
            // The password leaves the form once it is sent; a refusal keeps the server and login as typed.
            connect.mutate(
              { server: server.trim(), login: login.trim(), password },
              {
                onSuccess: () => setPassword(''),
                onError: (err) => setError(isOperatorError(err) ? err.error : { kind: 'network', message: String(err) }),
              },
            );
          }}
        >
          <p className="muted">{t('team.intro')}</p>
          <label className="field">
            <span>{t('team.server')}</span>
            <input
              type="url"
              name="team-server"
              value={server}
              onChange={(e) => setServer(e.target.value)}
              placeholder={t('team.serverExample')}
              autoComplete="url"
            />
          </label>
          <label className="field">
            <span>{t('team.login')}</span>
            <input name="team-login" value={login} onChange={(e) => setLogin(e.target.value)} autoComplete="username" />
          </label>
          <label className="field">
            <span>{t('team.password')}</span>
            <input
              type="password"
              name="team-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete="current-password"
            />
          </label>
          {error && (
            <p className="error-box" role="alert">
              {describeError(t, error)}
            </p>
          )}
          <div className="row">
            <button type="submit" className="primary" disabled={connect.isPending}>
              {connect.isPending ? t('team.connectingNow') : t('team.connect')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
