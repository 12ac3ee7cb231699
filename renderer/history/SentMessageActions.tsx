import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { SendDetail } from '../../shared/contract.ts';
import { isOperatorError } from '../../shared/operator-error.ts';
import { client, keys, useAccounts } from '../api.ts';
import { describeError, useT } from '../i18n/index.ts';
import { askConfirm } from '../ui/confirm.ts';

/**
 * Edit and delete of a sent message where the provider allows it (Pachca; Green-API instance),
 * with every try listed as an event of the send and a refusal in the provider's words.
 */
export function SentMessageActions({ d }: { d: SendDetail }) {
  const { t, lang } = useT();
  const qc = useQueryClient();
  const account = useAccounts().data?.find((a) => a.id === d.accountId);
  const [editing, setEditing] = useState<string | undefined>(undefined);
  const [refusal, setRefusal] = useState<string | undefined>(undefined);
  const time = new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short' });
  const editable =
    d.status === 'sent' &&
    !!d.providerMessageId &&
    (d.provider === 'pachca' ||
      (d.provider === 'greenapi' && account?.settings.provider === 'greenapi' && account.settings.form === 'instance')) &&
    !d.events?.some((e) => e.kind === 'deleted' && !e.error);
  const text = d.message.provider === 'pachca' ? d.message.content : d.message.provider === 'greenapi' ? d.message.text : '';
  // The refusal is shown beside the message, so the one error place stays quiet for these.
  const inPlace = { errorShownInPlace: true };
  const done = () => {
    setRefusal(undefined);
    void qc.invalidateQueries({ queryKey: keys.send(d.id) });
  };
  const failed = (e: unknown) => {
    setRefusal(isOperatorError(e) ? describeError(t, e.error) : String(e));
    void qc.invalidateQueries({ queryKey: keys.send(d.id) });
  };
  const edit = useMutation({
    mutationFn: (next: string) => client.sentMessages.edit({ id: d.id, text: next }),
    onSuccess: () => {
      setEditing(undefined);
      done();
    },
    onError: failed,
    meta: inPlace,
  });
  const remove = useMutation({
    mutationFn: () => client.sentMessages.remove({ id: d.id }),
    onSuccess: done,
    onError: failed,
    meta: inPlace,
  });

  return (
    <>
      {editable && (
        <div className="row actions">
          {editing === undefined ? (
            <button type="button" onClick={() => setEditing(text)}>
              {t('sent.edit')}
            </button>
          ) : (
            <form
              className="sent-edit"
              onSubmit={(e) => {
                e.preventDefault();
                edit.mutate(editing);
              }}
            >
              <label className="field">
                <span>{t('sent.newText')}</span>
                <textarea value={editing} onChange={(e) => setEditing(e.target.value)} rows={3} />
              </label>
              <button type="submit" disabled={!editing.trim() || edit.isPending}>
                {t('sent.save')}
              </button>
              <button type="button" onClick={() => setEditing(undefined)}>
                {t('sent.cancel')}
              </button>
            </form>
          )}
          <button
            type="button"
            disabled={remove.isPending}
            onClick={() =>
              void askConfirm({ message: t('sent.deleteConfirm'), confirmLabel: t('sent.delete') }).then((yes) => yes && remove.mutate())
            }
          >
            {t('sent.delete')}
          </button>
        </div>
      )}
      {refusal && (
        <p className="error-box" role="alert">
          {refusal}
        </p>
      )}
      {d.events && d.events.length > 0 && (
        <ul className="send-events" aria-label={t('sent.events')}>
          {d.events.map((e, i) => (
            <li key={i}>
              <time>{time.format(e.at)}</time> {t(e.kind === 'edited' ? 'sent.edited' : 'sent.deleted')}
              {e.text ? ` «${e.text.slice(0, 120)}»` : ''}
              {e.error ? ` — ${t('sent.refused')}: ${describeError(t, e.error)}` : ''}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
