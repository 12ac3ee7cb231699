import type { AdapterAccount } from '../types.ts';

/** Every secret of an account, for redaction from history and the operator's view: the token and, where there is one, the client id. */
export function secretsOf(account: AdapterAccount): string[] {
  return [account.secrets.token ?? '', account.secrets.clientId ?? ''].filter(Boolean);
}
