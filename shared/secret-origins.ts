/**
 * Where an account's secrets go: the origin of its base URL (and of an API URL, should its settings
 * carry one). A secret is bound to the origins it was entered for and never sent anywhere else.
 * Free of zod, so the renderer can warn before saving what the vault will then do.
 */
export function secretOrigins(baseUrl: string, settings: object): string {
  const urls = [baseUrl];
  if ('apiUrl' in settings && typeof settings.apiUrl === 'string' && settings.apiUrl) urls.push(settings.apiUrl);
  return urls.map((u) => (URL.canParse(u) ? new URL(u).origin : u)).join(' ');
}
