import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { AccountView } from '../../shared/accounts.ts';
import type { FieldProblem } from '../../shared/messages/problems.ts';
import type { ProviderId } from '../../shared/providers.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { client, keys, useAccounts, useSendDetail } from '../api.ts';
import { describeError, hasKey, useT, type DictKey } from '../i18n/index.ts';
import { useUi } from '../store.ts';
import { useSendProgress } from './FileDrop.tsx';
import { confirmUnfilled } from '../templates/TemplateField.tsx';
import { askConfirm } from '../ui/confirm.ts';
import { localInputValue } from '../ui/local-time.ts';
import { StatusBadge } from '../ui/StatusBadge.tsx';
import { ChatNotice, useTeamChatCheck } from '../team/ChatNotice.tsx';

/** The account this composer sends with: the operator's last choice, else the provider's default. */
export function useComposerAccount(provider: ProviderId): AccountView | undefined {
  const accounts = useAccounts().data ?? [];
  const chosen = useUi((s) => s.accountByProvider[provider]);
  const mine = accounts.filter((a) => a.provider === provider);
  return mine.find((a) => a.id === chosen) ?? mine.find((a) => a.isDefault) ?? mine[0];
}

export function problemText(t: ReturnType<typeof useT>['t'], p: FieldProblem): string {
  const reasonKey = `reason.${p.reason}`;
  const fieldKey = `field.${p.field}`;
  const reason = hasKey(reasonKey) ? t(reasonKey, { limit: p.limit ?? '' }) : p.reason;
  return `${hasKey(fieldKey) ? t(fieldKey) : p.field}: ${reason}`;
}

/** What the frame adds to a composer's request: the operator's time, and the scheduled send being edited. */
export interface SendOptions {
  scheduledAt?: number;
  replaces?: string;
}

interface Props {
  provider: ProviderId;
  problems: FieldProblem[];
  /** Counters and size badges shown beside the send button. */
  limits: ReactNode;
  /** Sends with the chosen account and these options (spread into the request); resolves with the first send made. */
  send: (accountId: string, options: SendOptions) => Promise<SendSummary>;
  onSent: () => void;
  /** Texts that may still hold `{{variables}}` from a template: sending asks first. */
  texts?: string[];
  /** The chosen recipient as the history names it; in team mode the frame says who else is on that chat. */
  recipient?: string | undefined;
  children: ReactNode;
}

export function ComposerFrame({ provider, problems, limits, send, onSent, texts = [], recipient, children }: Props) {
  const { t, lang } = useT();
  const accounts = (useAccounts().data ?? []).filter((a) => a.provider === provider);
  const account = useComposerAccount(provider);
  const setAccount = useUi((s) => s.setAccount);
  const setView = useUi((s) => s.setView);
  const selectSend = useUi((s) => s.selectSend);
  const toast = useUi((s) => s.toast);
  const qc = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);

  const editing = useUi((s) => s.editing[provider]);
  const setEditing = useUi((s) => s.setEditing);
  const [later, setLater] = useState(() => (editing ? localInputValue(editing.scheduledAt) : ''));
  // Opening another scheduled send for editing brings its time along (adjusted while rendering, not in an effect).
  const [laterFor, setLaterFor] = useState(editing?.sendId);
  if (editing?.sendId !== laterFor) {
    setLaterFor(editing?.sendId);
    if (editing) setLater(localInputValue(editing.scheduledAt));
  }
  const scheduledAt = later ? new Date(later).getTime() : undefined;
  const teamAgrees = useTeamChatCheck({ accountId: account?.id, recipient });
  const mutation = useMutation({
    mutationFn: () =>
      send(account!.id, {
        ...(scheduledAt !== undefined && scheduledAt > Date.now() ? { scheduledAt } : {}),
        ...(editing ? { replaces: editing.sendId } : {}),
      }),
    onSuccess: (s) => {
      if (editing) setEditing(provider, undefined);
      // The history lists follow from the host's history event for this send (one page, not all of them).
      const text =
        s.status === 'sent'
          ? t('composer.sent')
          : s.error
            ? `${t(`status.${s.status}` as DictKey)}: ${describeError(t, s.error)}`
            : t(`status.${s.status}` as DictKey);
      toast({ tone: s.status === 'failed' ? 'error' : 'ok', text, sendId: s.id });
      if (s.status !== 'failed') {
        onSent();
        setLater('');
      }
    },
  });

  const progress = useSendProgress(mutation.isPending);
  // The call answers with the first attempt's outcome, but a send that waits (Diadoc's 204 while it
  // processes, a pace limit) goes on after it: the badge follows the history's record of that send.
  const lastId = mutation.data?.id;
  const recorded = useSendDetail(lastId).data;
  const last = recorded?.id === lastId ? recorded : mutation.data;
  const blocked = !account
    ? t('composer.noAccount')
    : problems[0]
      ? t('composer.fixFirst', { problem: problemText(t, problems[0]) })
      : undefined;
  const submit = async () => {
    if (blocked || mutation.isPending) return;
    if (
      !(await confirmUnfilled(texts.join('\n'), (names) =>
        askConfirm({ message: t('templates.unfilled', { names }), confirmLabel: t('templates.sendAnyway') }),
      ))
    )
      return;
    if (!(await teamAgrees())) return;
    mutation.mutate();
  };

  // The benchmark's "time to interactive" ends here: the composer is on screen and can take input.
  useEffect(() => {
    if (formRef.current && !performance.getEntriesByName('operator:composer-ready').length) performance.mark('operator:composer-ready');
  });

  useEffect(() => {
    const form = formRef.current;
    if (!form) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        void submit();
      }
    };
    form.addEventListener('keydown', onKey);
    return () => form.removeEventListener('keydown', onKey);
  });

  if (accounts.length === 0) {
    return (
      <section className="composer empty" aria-label={t(`provider.${provider}`)}>
        <p>{t('composer.noAccount')}</p>
        <div className="row">
          <button type="button" onClick={() => setView('accounts')}>
            {t('composer.addAccount')}
          </button>
          <button
            type="button"
            className="primary"
            onClick={() => void client.accounts.createSandbox().then(() => qc.invalidateQueries({ queryKey: keys.accounts }))}
          >
            {t('composer.useSandbox')}
          </button>
        </div>
      </section>
    );
  }

  return (
    <form
      ref={formRef}
      className={`composer provider-${provider}`}
      aria-label={t(`provider.${provider}`)}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <header className="composer-head">
        <h1>{t(`provider.${provider}`)}</h1>
        <label className="inline">
          <span>{t('composer.account')}</span>
          <select value={account?.id ?? ''} onChange={(e) => setAccount(provider, e.target.value)} aria-label={t('composer.account')}>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
                {a.sandbox ? ` · ${t('common.sandbox')}` : ''}
              </option>
            ))}
          </select>
        </label>
        {account?.sandbox && (
          <span className="badge sandbox" title={t('composer.sandboxNote')}>
            {t('common.sandbox')}
          </span>
        )}
      </header>
      {account?.sandbox && <p className="note sandbox-note">{t('composer.sandboxNote')}</p>}
      {editing && (
        <p className="note editing-note" role="status">
          {t('composer.editingScheduled', {
            time: new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short' }).format(editing.scheduledAt),
          })}{' '}
          <button
            type="button"
            className="link"
            onClick={() => {
              setEditing(provider, undefined);
              setLater('');
            }}
          >
            {t('composer.stopEditing')}
          </button>
        </p>
      )}
      <ChatNotice accountId={account?.id} recipient={recipient} />
      <div className="composer-body">{children}</div>
      <footer className="composer-foot">
        <div className="limits" aria-live="polite">
          {limits}
        </div>
        {/* An empty field needs no scolding; the button's title still says why it waits. */}
        {blocked && problems[0]?.reason !== 'required' && (
          <p className="reason" role="status">
            {blocked}
          </p>
        )}
        {progress && mutation.isPending && (
          <span className="row small" data-testid="send-progress">
            <progress
              max={progress.total}
              value={progress.sent}
              aria-label={t('files.progress', { percent: Math.round((100 * progress.sent) / Math.max(1, progress.total)) })}
            />
            {t('files.progress', { percent: Math.round((100 * progress.sent) / Math.max(1, progress.total)) })}
          </span>
        )}
        {last && (
          <p className="last-result">
            <StatusBadge status={last.status} unrecorded={last.unrecorded} />{' '}
            <button
              type="button"
              className="link"
              onClick={() => {
                selectSend(last.id);
                setView('history');
              }}
            >
              {t('composer.openInHistory')}
            </button>
          </p>
        )}
        <label className="inline small">
          <span>{t('composer.sendLater')}</span>
          <input type="datetime-local" value={later} onChange={(e) => setLater(e.target.value)} aria-label={t('composer.sendLater')} />
        </label>
        <button
          type="submit"
          className="primary send"
          disabled={!!blocked || mutation.isPending}
          title={blocked ?? t('composer.sendHint')}
          aria-keyshortcuts="Control+Enter"
        >
          {mutation.isPending
            ? t('composer.sending')
            : editing
              ? t('composer.saveEdit')
              : scheduledAt
                ? t('composer.schedule')
                : t('composer.send')}{' '}
          <kbd>⌃⏎</kbd>
        </button>
      </footer>
    </form>
  );
}
