import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Where the team server listens and how desktops reach it. On loopback (the default) plain
 * connections are fine: nothing leaves the machine. Any other address carries passwords, tokens and
 * every send over a network, so the server refuses it unless given a certificate and key: then the
 * API serves HTTPS and nats-server requires TLS.
 */
export interface Exposure {
  /** The address both the API and nats-server bind. */
  host: string;
  /** The name desktops are told to use (the certificate's name outside loopback). */
  publicHost: string;
  tls?: { certFile: string; keyFile: string; cert: Buffer; key: Buffer };
}

export const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
const isWildcard = (host: string) => host === '0.0.0.0' || host === '::' || host === '';

export function exposure(input: { host?: string; publicHost?: string; certFile?: string; keyFile?: string }): Exposure {
  const host = input.host?.trim() || '127.0.0.1';
  if (Boolean(input.certFile) !== Boolean(input.keyFile))
    throw new Error('TLS needs both a certificate and its key: set TEAM_TLS_CERT and TEAM_TLS_KEY together.');
  if (!isLoopback(host) && !input.certFile)
    throw new Error(
      `The team server will not listen on ${host} without TLS: passwords, tokens and every send would cross the network in clear. ` +
        'Set TEAM_TLS_CERT and TEAM_TLS_KEY to a certificate and its key (PEM), or leave TEAM_HOST unset to stay on 127.0.0.1.',
    );
  const publicHost = input.publicHost?.trim() || (isWildcard(host) ? hostname() : host);
  if (!input.certFile || !input.keyFile) return { host, publicHost };
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new Error(`The TLS ${what} ${file} cannot be read: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return {
    host,
    publicHost,
    tls: { certFile: input.certFile, keyFile: input.keyFile, cert: read(input.certFile, 'certificate'), key: read(input.keyFile, 'key') },
  };
}

/** From the environment: TEAM_HOST, TEAM_PUBLIC_HOST, TEAM_TLS_CERT, TEAM_TLS_KEY. */
export const exposureFromEnv = (env: NodeJS.ProcessEnv = process.env) =>
  exposure({ host: env.TEAM_HOST, publicHost: env.TEAM_PUBLIC_HOST, certFile: env.TEAM_TLS_CERT, keyFile: env.TEAM_TLS_KEY });

/** A URL's host part (IPv6 in brackets). */
export const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);
