import { useQueryClient } from '@tanstack/react-query';
import { client } from '../api.ts';
import { useT } from '../i18n/index.ts';
import { askConfirm } from '../ui/confirm.ts';
import { teamKeys } from './live-team.ts';
import { useChatActivity, useClaimChat, useTeamOn } from './queries.ts';
import { useNow } from './use-now.ts';
import { chatWarning, chatWarningText, formatMoment } from './words.ts';

interface Chat {
  accountId: string | undefined;
  /** The recipient as the history names it ("chat 334", "79001234567"): what a claim and an answer are on. */
  recipient: string | undefined;
}

/**
 * Asks before a send to a chat another operator holds or answered in the last hours, with who and
 * when; the operator decides, nothing is blocked. Outside team mode, and without a recipient, it
 * says yes without asking. The answer is fetched fresh: a colleague may have answered a moment ago.
 */
export function useTeamChatCheck({ accountId, recipient }: Chat): () => Promise<boolean> {
  const { t, lang } = useT();
  const on = useTeamOn();
  const qc = useQueryClient();
  return async () => {
    if (!on || !accountId || !recipient) return true;
    let activity;
    try {
      activity = await qc.fetchQuery({
        queryKey: teamKeys.chat(accountId, recipient),
        queryFn: () => client.team.chatActivity({ accountId, recipient }),
        staleTime: 2_000,
      });
    } catch {
      // The team is advice, never a gate: a team view that cannot answer does not stop a send.
      return true;
    }
    const warning = chatWarning(activity);
    if (!warning) return true;
    const facts = chatWarningText(t, lang, warning, Date.now()).join('. ');
    return askConfirm({ message: t('team.chat.confirm', { facts }), confirmLabel: t('team.chat.sendAnyway') });
  };
}

/** Above a composer in team mode: who else is on this chat, and the offer to claim it. */
export function ChatNotice({ accountId, recipient }: Chat) {
  const on = useTeamOn();
  if (!on || !accountId || !recipient) return null;
  // Keyed by the chat: a claim's answer belongs to the chat it was made for.
  return <ChatNoticeFor key={`${accountId}\n${recipient}`} accountId={accountId} recipient={recipient} />;
}

function ChatNoticeFor({ accountId, recipient }: { accountId: string; recipient: string }) {
  const { t, lang } = useT();
  const activity = useChatActivity(accountId, recipient, true).data;
  const claim = useClaimChat();
  const now = useNow();
  const warning = chatWarning(activity);
  const r = claim.data;
  const claimLine = !r
    ? undefined
    : r.ok
      ? t(r.soft ? 'team.chat.claimSoft' : 'team.chat.claimOk')
      : t('team.chat.claimRefused', { name: r.by, time: formatMoment(lang, r.since, now) });
  return (
    <div className={`team-chat${warning ? ' warn' : ''}`} data-testid="team-chat">
      {warning && (
        <>
          <strong>{t('team.chat.title')}</strong>
          <ul>
            {chatWarningText(t, lang, warning, now).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </>
      )}
      <p className="row small">
        {!r?.ok && (
          <button type="button" className="link" disabled={claim.isPending} onClick={() => claim.mutate({ accountId, recipient })}>
            {t('team.chat.claim')}
          </button>
        )}
        {claimLine && <span role="status">{claimLine}</span>}
      </p>
    </div>
  );
}
