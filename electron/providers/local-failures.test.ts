import { assert, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GreenApiV1Simulator } from '../sandbox/green-api-v1.ts';
import { MarketSimulator } from '../sandbox/market.ts';
import { PachcaSimulator } from '../sandbox/pachca.ts';
import type { SimServer } from '../sandbox/server.ts';
import { untrustedTlsFront } from '../testing/tls-front.ts';
import { greenApiAdapter } from './green-api.ts';
import { marketAdapter } from './market.ts';
import { pachcaAdapter } from './pachca.ts';
import type { AdapterAccount, AdapterContext, AttemptResult, ProviderAdapter } from './types.ts';

/**
 * A failure on this machine leaves nothing at the provider: the send is `failed`, with the local
 * cause named, and the simulator behind the address received no request at all.
 */
const TOKEN = 'tok_local_failures_1';

interface Case {
  name: string;
  server: SimServer;
  start: () => Promise<string>;
  stop: () => Promise<void>;
  adapter: ProviderAdapter<never>;
  account: (baseUrl: string, token: string) => AdapterAccount;
  message: unknown;
}

const pachca = new PachcaSimulator({ tokens: [TOKEN] });
const green = new GreenApiV1Simulator({ tokens: [TOKEN] });
const market = new MarketSimulator({ tokens: [TOKEN] });

const cases: Case[] = [
  {
    name: 'Pachca',
    server: pachca.server,
    start: () => pachca.start(),
    stop: () => pachca.stop(),
    adapter: pachcaAdapter,
    account: (baseUrl, token) => ({ id: 'p', baseUrl, settings: { provider: 'pachca', isBot: false }, secrets: { token } }),
    message: { provider: 'pachca', entityType: 'discussion', entityId: 334, content: 'Счёт отправлен' },
  },
  {
    name: 'Green-API',
    server: green.server,
    start: () => green.start(),
    stop: () => green.stop(),
    adapter: greenApiAdapter,
    account: (baseUrl, token) => ({ id: 'g', baseUrl, settings: { provider: 'greenapi', form: 'v1' }, secrets: { token } }),
    message: { provider: 'greenapi', recipientType: 'individual', to: '79001234567', text: 'Счёт отправлен' },
  },
  {
    name: 'Yandex Market',
    server: market.server,
    start: () => market.start(),
    stop: () => market.stop(),
    adapter: marketAdapter,
    account: (baseUrl, token) => ({ id: 'm', baseUrl, settings: { provider: 'market', businessId: '100500' }, secrets: { token } }),
    message: { provider: 'market', businessId: '100500', chatId: '42', kind: 'text', text: 'Счёт отправлен' },
  },
];

const ctx = (account: AdapterAccount): AdapterContext => ({
  account,
  file: () => {
    throw new Error('no files here');
  },
  idempotencyKey: 'k',
  timeoutMs: 5000,
  now: () => 1_000_000,
});

describe.each(cases)('$name: a failure on this machine', (c) => {
  let baseUrl: string;
  beforeAll(async () => {
    baseUrl = await c.start();
  });
  afterAll(() => c.stop());

  const send = (account: AdapterAccount): Promise<AttemptResult> => c.adapter.send(ctx(account), c.message as never);

  it('is failed with the name that does not resolve, and nothing is sent', async () => {
    const before = c.server.received.length;
    const r = await send(c.account('http://provider.invalid', TOKEN));
    expect(r).toMatchObject({ kind: 'failed', error: { kind: 'network', reason: 'dns_failed' } });
    assert(r.kind === 'failed');
    expect(r.error.message).toContain('provider.invalid');
    expect(c.server.received.length).toBe(before);
  });

  it('is failed when the certificate is not trusted, and the simulator behind it receives nothing', async () => {
    const front = await untrustedTlsFront(baseUrl);
    try {
      const before = c.server.received.length;
      const r = await send(c.account(front.url, TOKEN));
      expect(r).toMatchObject({ kind: 'failed', error: { kind: 'network', reason: 'tls_failed' } });
      expect(c.server.received.length).toBe(before);
    } finally {
      await front.stop();
    }
  });

  it('is failed when the token holds a character a header cannot carry, and nothing is sent', async () => {
    const before = c.server.received.length;
    for (const token of ['токен-с-кириллицей', 'tok\nen']) {
      const r = await send(c.account(baseUrl, token));
      expect(r).toMatchObject({ kind: 'failed', error: { kind: 'unauthorized' } });
      assert(r.kind === 'failed');
      expect(r.error.message).not.toContain(token);
    }
    expect(c.server.received.length).toBe(before);
  });

  it('still sends with the same account once the cause is gone', async () => {
    expect(await send(c.account(baseUrl, TOKEN))).toMatchObject({ kind: 'sent' });
  });
});
