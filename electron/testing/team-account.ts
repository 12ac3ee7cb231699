import type { AccountView } from '../../shared/accounts.ts';
import type { SendSummary } from '../../shared/sends.ts';

/**
 * The account a team shares in tests, the simulation and the storm: its team identity (provider,
 * address) is what colleagues' desktops agree on; its token never leaves a desktop.
 */
export const teamPachcaAccount: AccountView = {
  id: 'a_team_pachca',
  name: 'Pachca',
  provider: 'pachca',
  baseUrl: 'https://api.pachca.com/api/shared/v1',
  settings: { provider: 'pachca', isBot: true },
  secretState: { token: { set: true, mask: '••••' } },
  isDefault: true,
  sandbox: false,
  plaintextSecrets: false,
  createdAt: 0,
};

/** The settings file the uplink keeps its sign-in in, in memory. */
export function memorySettings() {
  const m = new Map<string, unknown>();
  return { get: (k: string) => m.get(k), set: (k: string, v: unknown) => void m.set(k, v) };
}

/** A send to a chat of the team's account as the history holds it while it is on its way. */
export function sendingSummary(s: { id: string; recipient: string; text: string; at: number }): SendSummary {
  return {
    id: s.id,
    provider: 'pachca',
    accountId: teamPachcaAccount.id,
    accountName: teamPachcaAccount.name,
    sandbox: false,
    status: 'sending',
    recipient: s.recipient,
    to: { kind: 'chat', id: s.recipient },
    preview: { kind: 'text', text: s.text },
    createdAt: s.at,
    updatedAt: s.at,
    attemptCount: 1,
  };
}
