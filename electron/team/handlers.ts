import { randomUUID } from 'node:crypto';
import { OperatorError, sendError } from '../../shared/operator-error.ts';
import type { AccountView } from '../../shared/accounts.ts';
import { recipientOfKey } from '../../shared/send-labels.ts';
import type { Handlers } from '../host.ts';
import type { TeamUplink } from './uplink.ts';

const offStatus = { available: false, configured: false, online: false, pending: 0, presence: [] };

function unavailable(): never {
  throw new OperatorError(sendError('not_found', 'Team mode is not part of this build.', { reason: 'team_unavailable' }));
}

/** The `team` channels over the uplink; without one, team mode answers "not here" and nothing else changes. */
export function teamHandlers(team: TeamUplink | undefined, accountOf: (id: string) => AccountView | undefined): Handlers['team'] {
  const account = (id: string) => {
    const a = accountOf(id);
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
      return team.teamSends().map((s) => ({
        id: s.id,
        provider: s.provider,
        recipient: s.recipient,
        to: recipientOfKey(s.provider, s.recipient),
        preview: s.preview,
        status: s.status,
        operatorName: s.operatorName,
        mine: s.operatorId === me,
        createdAt: s.createdAt,
        updatedAt: s.updatedAt,
      }));
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
    conflicts: () => (team ? team.conflicts() : []),
  };
}
