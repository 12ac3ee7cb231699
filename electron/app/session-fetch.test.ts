import { describe, expect, it } from 'vitest';
import { httpExchange } from '../providers/http.ts';
import { sessionFetch } from './session-fetch.ts';

const failingWith = (message: string) => sessionFetch({ fetch: () => Promise.reject(new Error(message)) });
const exchange = (fetch: ReturnType<typeof sessionFetch>) =>
  httpExchange(
    { method: 'POST', url: 'https://api.green-api.com/waInstance1/sendMessage/tok-secret-1234', headers: {}, body: '{}' },
    { secrets: ['tok-secret-1234'], timeoutMs: 1000, fetch },
  );

describe('provider calls through the session, as Chromium reports their failures', () => {
  it('a refused connection, an unknown name or an unreachable proxy never reached the provider', async () => {
    const causes = {
      ERR_CONNECTION_REFUSED: 'connect',
      ERR_NAME_NOT_RESOLVED: 'dns',
      ERR_PROXY_CONNECTION_FAILED: 'connect',
      ERR_INTERNET_DISCONNECTED: 'connect',
    };
    for (const [code, local] of Object.entries(causes)) {
      const out = await exchange(failingWith(`net::${code}`));
      expect(out, code).toMatchObject({ ok: false, reached: 'not_reached', local });
    }
  });

  it('an untrusted certificate is a failure on this machine, with no request sent', async () => {
    const out = await exchange(failingWith('net::ERR_CERT_AUTHORITY_INVALID'));
    expect(out).toMatchObject({ ok: false, reached: 'not_reached', local: 'tls' });
  });

  it('a connection lost after the request left may have delivered it', async () => {
    const out = await exchange(failingWith('net::ERR_CONNECTION_RESET'));
    expect(out).toMatchObject({ ok: false, reached: 'maybe', error: { kind: 'outcome_unknown', providerCode: 'ERR_CONNECTION_RESET' } });
    expect(JSON.stringify(out)).not.toContain('tok-secret-1234');
  });

  it('asks the session to skip the app’s own protocol handlers', async () => {
    const seen: unknown[] = [];
    const fetch = sessionFetch({
      fetch: async (_url, init) => {
        seen.push(init?.bypassCustomProtocolHandlers);
        return new Response('{}', { status: 200 });
      },
    });
    expect(await exchange(fetch)).toMatchObject({ ok: true, status: 200 });
    expect(seen).toEqual([true]);
  });
});
