import type { ProviderId } from '../../shared/providers.ts';
import { RecentSends } from '../composers/RecentSends.tsx';
import { ConversationPane } from './ConversationPane.tsx';

/** Beside a composer: the conversation with the chosen recipient, then our recent sends to it. */
export function ComposerAside(p: {
  provider: ProviderId;
  accountId: string | undefined;
  target: string | undefined;
  recipient: string | undefined;
}) {
  return (
    <div className="composer-aside">
      <ConversationPane provider={p.provider} accountId={p.accountId} target={p.target} historyRecipient={p.recipient} />
      <RecentSends provider={p.provider} recipient={p.recipient} />
    </div>
  );
}
