import type { AccountView } from '../../shared/accounts.ts';

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
