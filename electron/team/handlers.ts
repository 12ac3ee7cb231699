import { randomUUID } from 'node:crypto';
import { OperatorError, sendError } from '../../shared/operator-error.ts';
import type { AccountView } from '../../shared/accounts.ts';
import { previewOfText } from '../../shared/preview-text.ts';
import { recipientOfKey } from '../../shared/send-labels.ts';
import type { Handlers } from '../host.ts';
import { teamIdentityOf } from './identity.ts';
import type { TeamSend } from './link.ts';
import type { TeamUplink } from './uplink.ts';

const offStatus = { available: false, configured: false, online: false, pending: 0, presence: [] };

function unavailable(): never {
  throw new OperatorError(sendError('not_found', 'Team mode is not part of this build.', { reason: 'team_unavailable' }));
}

/**
 * A team row for the screen. Its preview is data; a row from a desktop that sent only text (older
 * builds, English in the first ones) is read back with the parser the history's migration uses.
 */
function listed(s: TeamSend, mine: boolean) {
  return {
    id: s.id,
    provider: s.provider,
    recipient: s.recipient,
    to: recipientOfKey(s.provider, s.recipient),
    preview: s.previewData ?? previewOfText(s.provider, s.preview, 'team row'),
    status: s.status,
    operatorName: s.operatorName,
    mine,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

/** The `team` channels over the uplink; without one, team mode answers "not here" and nothing else changes. */
export function teamHandlers(
  team: TeamUplink | undefined,
  accountOf: { find(id: string): AccountView | undefined; all(): readonly AccountView[] },
): Handlers['team'] {
  const account = (id: string) => {
    const a = accountOf.find(id);
    if (!a) throw new OperatorError(sendError('not_found', 'There is no such account.', { reason: 'account_missing' }));
    return a;
  };
  const status = () => (team ? { available: true, ...team.status() } : offStatus);
  return {
    status,
    connect: async ({ server, login, password }) => {
      if (!team) unavailable();
      try {
        await team.connect(server, login, password);
      } catch (e) {
        const reason = e instanceof Error && e.message === 'team_bad_credentials' ? 'team_bad_credentials' : 'team_unreachable';
        throw new OperatorError(
          sendError(reason === 'team_bad_credentials' ? 'unauthorized' : 'network', 'The team server did not accept the sign-in.', {
            reason,
          }),
        );
      }
      return status();
    },
    disconnect: async () => {
      await team?.disconnect();
      return status();
    },
    sends: () => {
      if (!team) return [];
      const me = team.status().operator?.id;
      return team.teamSends().map((s) => listed(s, s.operatorId === me));
    },
    send: async ({ id }) => {
      const found = team ? await team.teamSend(id) : undefined;
      if (!found) throw new OperatorError(sendError('not_found', 'The team has no such send.', { reason: 'team_send_missing' }));
      const { send: s, trail, mine } = found;
      const own = accountOf.all().find((a) => teamIdentityOf(a) === s.account);
      return {
        ...listed(s, mine),
        ...(s.providerMessageId ? { providerMessageId: s.providerMessageId } : {}),
        cabinet: s.account.split('|').slice(2).join('|'),
        ...(own ? { accountName: own.name } : {}),
        syncedAt: s.syncedAt,
        trail: trail.slice(0, 100),
      };
    },
    chatActivity: ({ accountId, recipient }) => (team ? team.chatActivity(account(accountId), recipient) : {}),
    claim: async ({ accountId, recipient }) => {
      if (!team) unavailable();
      return team.claim(account(accountId), recipient);
    },
    templates: () => (team ? [...team.templates()] : []),
    saveTemplate: async ({ id, name, body, baseVersion }) => {
      if (!team) unavailable();
      const templateId = id ?? `tt_${randomUUID()}`;
      const r = await team.saveTemplate({ id: templateId, name, body, baseVersion });
      return r.ok ? { ok: true as const, id: templateId, version: r.version } : r;
    },
    deleteTemplate: async ({ id, baseVersion }) => {
      if (!team) unavailable();
      return team.deleteTemplate({ id, baseVersion });
    },
    conflicts: () => (team ? team.conflicts() : []),
  };
}
