import type { AccountView } from '../../shared/accounts.ts';

/**
 * The account as the team knows it: provider, the API's origin and the cabinet, box or instance.
 * Two operators entering their own tokens for the same cabinet share one identity; the token is
 * never part of it.
 */
export function teamIdentityOf(a: AccountView): string {
  let origin = a.baseUrl;
  try {
    origin = new URL(a.baseUrl).origin;
  } catch {
    // Keep the text as entered: the identity only has to be equal on both desktops.
  }
  const s = a.settings;
  const cabinet =
    s.provider === 'greenapi'
      ? (s.idInstance ?? '')
      : s.provider === 'market'
        ? (s.businessId ?? '')
        : s.provider === 'diadoc'
          ? (s.fromBoxId ?? '')
          : '';
  return `${a.provider}|${origin}|${cabinet}`;
}

/** What a claim is on: one recipient of one team account. */
export function chatKeyOf(identity: string, recipient: string): string {
  return `${identity}|${recipient.trim().toLowerCase()}`;
}
