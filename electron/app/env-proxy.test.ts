import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import { testHost } from '../testing/host-fixture.ts';
import { useProxyFromEnv } from './env-proxy.ts';

/** The smallest forward proxy: it opens the CONNECT tunnels it is asked for and notes each target. */
async function connectProxy(): Promise<{ url: string; tunnels: string[]; server: Server }> {
  const tunnels: string[] = [];
  const server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client, head) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tunnels, server };
}

const undo: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const u of undo.splice(0).reverse()) await u();
});

async function sandboxSend(env: NodeJS.ProcessEnv) {
  const proxy = await connectProxy();
  undo.push(() => new Promise<void>((r) => proxy.server.close(() => r())));
  undo.push(useProxyFromEnv({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, ...env }));
  const host = await testHost({ sandbox: true });
  undo.push(() => host.dispose());
  const accounts = (await host.dispatch('accounts.createSandbox', undefined)) as { value: AccountView[] };
  const wa = accounts.value.find((a) => a.provider === 'greenapi')!;
  const sent = await host.dispatch('sends.send', {
    accountId: wa.id,
    message: { provider: 'greenapi', recipientType: 'individual', to: '79001234567', text: 'Через прокси' },
  });
  return { sent, tunnels: proxy.tunnels, simHost: new URL(await host.sandbox!.baseUrl('greenapi')).host, host };
}

describe('provider calls outside Electron honour the proxy variables', () => {
  it('a send goes through the CONNECT proxy named by HTTPS_PROXY/HTTP_PROXY and reaches the simulator', async () => {
    const { sent, tunnels, simHost, host } = await sandboxSend({});
    expect(sent).toMatchObject({ ok: true, value: { status: 'sent' } });
    expect(tunnels).toContain(simHost);
    expect(host.sandbox!.greenV1.server.received.at(-1)?.path).toBe('/v1/messages');
  });

  it('a host listed in NO_PROXY is reached directly', async () => {
    const { sent, tunnels } = await sandboxSend({ NO_PROXY: '127.0.0.1' });
    expect(sent).toMatchObject({ ok: true, value: { status: 'sent' } });
    expect(tunnels).toEqual([]);
  });
});
