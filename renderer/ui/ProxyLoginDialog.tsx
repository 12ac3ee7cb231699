import { useEffect, useRef, useState } from 'react';
import type { EventPayload } from '../../shared/contract.ts';
import { client } from '../api.ts';
import { useT } from '../i18n/index.ts';

type Challenge = EventPayload<'proxyLogin'>;

/**
 * The question a proxy's sign-in puts to the operator (the main process asks once per challenge).
 * The password goes straight to the main process, which hands it to Chromium and writes it nowhere.
 */
export function ProxyLoginDialog() {
  const { t } = useT();
  const [challenge, setChallenge] = useState<Challenge | undefined>(undefined);
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => client.on.proxyLogin((c) => setChallenge(c)), []);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (challenge && !dialog.open) dialog.showModal();
    else if (!challenge && dialog.open) dialog.close();
  }, [challenge]);

  const answer = (a: { username: string; password: string } | { cancel: true }) => {
    setChallenge(undefined);
    void client.app.proxyLogin(a).catch(() => {});
  };

  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby="proxy-login-title"
      onCancel={(e) => {
        e.preventDefault();
        answer({ cancel: true });
      }}
    >
      {challenge && (
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            const data = new FormData(e.currentTarget);
            answer({ username: textOf(data.get('username')), password: textOf(data.get('password')) });
          }}
        >
          <h2 id="proxy-login-title">{t('proxy.title')}</h2>
          <p>{t('proxy.where', { host: `${challenge.host}:${challenge.port}`, realm: challenge.realm })}</p>
          <label className="field">
            <span>{t('proxy.username')}</span>
            <input name="username" autoComplete="username" required maxLength={256} />
          </label>
          <label className="field">
            <span>{t('proxy.password')}</span>
            <input name="password" type="password" autoComplete="current-password" maxLength={1024} />
          </label>
          <div className="row end">
            <button type="button" onClick={() => answer({ cancel: true })}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="primary">
              {t('proxy.signIn')}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}

/** A text field's value; a form entry that is a file (none here) reads as empty. */
const textOf = (v: FormDataEntryValue | null): string => (typeof v === 'string' ? v : '');
