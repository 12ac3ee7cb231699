import type { HttpFetch } from '../providers/http.ts';

/** The part of Electron's Session the provider transport needs. */
export interface FetchingSession {
  fetch(input: string, init?: RequestInit & { bypassCustomProtocolHandlers?: boolean }): Promise<Response>;
}

/**
 * Chromium reports a failed request as `net::ERR_…` in the message. Those that provably happened
 * before any byte reached the provider get the Node code the adapters already read as "not
 * reached"; every other failure stays of unknown outcome.
 */
const NOT_REACHED: Record<string, string> = {
  ERR_CONNECTION_REFUSED: 'ECONNREFUSED',
  ERR_NAME_NOT_RESOLVED: 'ENOTFOUND',
  ERR_NAME_RESOLUTION_FAILED: 'EAI_AGAIN',
  ERR_ADDRESS_UNREACHABLE: 'EHOSTUNREACH',
  ERR_INTERNET_DISCONNECTED: 'ENETUNREACH',
  ERR_NETWORK_CHANGED: 'ENETUNREACH',
  ERR_CONNECTION_TIMED_OUT: 'UND_ERR_CONNECT_TIMEOUT',
  // The proxy itself could not be reached or would not open the tunnel: the provider saw nothing.
  ERR_PROXY_CONNECTION_FAILED: 'ECONNREFUSED',
  ERR_TUNNEL_CONNECTION_FAILED: 'ECONNREFUSED',
  ERR_PROXY_AUTH_UNSUPPORTED: 'ECONNREFUSED',
};

function chromiumCode(e: unknown): string | undefined {
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : '';
  return /net::(ERR_[A-Z_]+)/.exec(message)?.[1];
}

/**
 * Provider HTTP through the app's session: the system proxy and PAC script, proxy sign-in, and
 * the OS certificate store, as a browser on that machine would. Custom protocol handlers (the
 * renderer's app://) are bypassed: a provider URL is never ours.
 */
export function sessionFetch(session: FetchingSession): HttpFetch {
  return async (url, init) => {
    try {
      return await session.fetch(url, { ...init, bypassCustomProtocolHandlers: true });
    } catch (e) {
      const chromium = chromiumCode(e);
      if (!chromium) throw e;
      // ERR_CERT_… becomes CERT_… (and ERR_SSL_… stays): the names the adapters read as a failed handshake.
      const code = NOT_REACHED[chromium] ?? (chromium.startsWith('ERR_CERT_') ? chromium.slice('ERR_'.length) : chromium);
      throw Object.assign(new Error(chromium, { cause: e }), { code });
    }
  };
}
