/**
 * Hosts a link may open in the system browser without asking: the providers' own sites, where
 * their help and cabinets live. Any other https link opens only after the operator confirms.
 */
export const KNOWN_HOSTS = ['kontur.ru', 'pachca.com', 'yandex.ru', 'yandex.com', 'green-api.com', 'whatsapp.com', 'wa.me'] as const;

export function isKnownHost(raw: string): boolean {
  if (!URL.canParse(raw)) return false;
  const host = new URL(raw).hostname.toLowerCase();
  return KNOWN_HOSTS.some((h) => host === h || host.endsWith(`.${h}`));
}
