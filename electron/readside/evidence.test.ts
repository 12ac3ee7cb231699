import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { SendDetail } from '../../shared/contract.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { GreenApiInstanceSimulator } from '../sandbox/green-api-instance.ts';
import { GreenApiV1Simulator } from '../sandbox/green-api-v1.ts';
import { MarketSimulator } from '../sandbox/market.ts';
import { PachcaSimulator } from '../sandbox/pachca.ts';
import { testHost, ok } from '../testing/host-fixture.ts';

const TOKEN = 'evidence-token-123456';
const INSTANCE_TOKEN = 'd75b3a66374942c5b3c019c698abc2067e151558acbd4aaaa';

describe('uncertain sends settled by the provider’s record, never by sending again', () => {
  const pachca = new PachcaSimulator({ tokens: [TOKEN], read: { visibleAfterMs: 0 } });
  const market = new MarketSimulator({ tokens: [TOKEN], read: { visibleAfterMs: 0 } });
  const green = new GreenApiInstanceSimulator({ instances: { '1101000001': INSTANCE_TOKEN }, read: { journalLagMs: 0 } });
  const v1 = new GreenApiV1Simulator({ tokens: [TOKEN] });
  let host: Awaited<ReturnType<typeof testHost>>;
  const accounts: Record<string, AccountView> = {};
  const detail = (id: string) => ok<SendDetail>(host.dispatch('history.get', { id }));
  async function settled(id: string): Promise<SendDetail> {
    for (;;) {
      const d = await detail(id);
      if (d.settlement) return d;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const send = (account: string, message: unknown) =>
    ok<SendSummary>(host.dispatch('sends.send', { accountId: accounts[account]!.id, message }));

  beforeAll(async () => {
    const [p, m, g, v] = await Promise.all([pachca.start(), market.start(), green.start(), v1.start()]);
    host = await testHost({ evidenceTiming: { firstLookMs: 0, finalAfterMs: 400 }, timeoutMs: 2000 });
    const make = async (key: string, body: unknown) => (accounts[key] = await ok<AccountView>(host.dispatch('accounts.create', body)));
    await make('pachca', { name: 'P', baseUrl: p, settings: { provider: 'pachca', isBot: false }, secrets: { token: TOKEN } });
    await make('market', { name: 'M', baseUrl: m, settings: { provider: 'market', businessId: '100500' }, secrets: { token: TOKEN } });
    await make('green', {
      name: 'G',
      baseUrl: g,
      settings: { provider: 'greenapi', form: 'instance', idInstance: '1101000001' },
      secrets: { token: INSTANCE_TOKEN },
    });
    await make('v1', { name: 'V', baseUrl: v, settings: { provider: 'greenapi', form: 'v1' }, secrets: { token: TOKEN } });
  });
  afterAll(async () => {
    await host.dispose();
    await Promise.all([pachca.stop(), market.stop(), green.stop(), v1.stop()]);
  });

  it('Pachca: the message made before the connection dropped is found, and the send is sent with its id and time', async () => {
    pachca.server.inject({ path: '/messages', acceptThenDrop: true });
    const s = await send('pachca', { provider: 'pachca', entityType: 'discussion', entityId: 5001, content: 'Счёт отправлен' });
    expect(s.status).toBe('outcome_unknown');
    const d = await settled(s.id);
    const made = pachca.messages.at(-1)!;
    expect(d).toMatchObject({
      status: 'sent',
      providerMessageId: String(made.id),
      settlement: { result: 'found', by: 'provider', providerMessageId: String(made.id) },
    });
    expect(d.settlement!.providerAt).toBeGreaterThanOrEqual(made.at - 1000);
    expect(pachca.server.received.filter((r) => r.method === 'POST' && r.path === '/messages')).toHaveLength(1);
  });

  it('Pachca: a message that never arrived is "not found" after the delay, stays for the operator, and is not sent again', async () => {
    pachca.server.inject({ path: '/messages', dropAfterBody: true });
    const before = pachca.messages.length;
    const s = await send('pachca', { provider: 'pachca', entityType: 'discussion', entityId: 5002, content: 'Не дошло' });
    const d = await settled(s.id);
    expect(d).toMatchObject({ status: 'outcome_unknown', settlement: { result: 'not_found', by: 'app' } });
    expect(pachca.messages.length).toBe(before);
    expect(pachca.server.received.filter((r) => r.method === 'POST' && r.path === '/messages')).toHaveLength(2);
  });

  it('Pachca: a send the operator marks as sent says it was the operator', async () => {
    pachca.server.inject({ path: '/messages', dropAfterBody: true });
    const s = await send('pachca', { provider: 'pachca', entityType: 'discussion', entityId: 5003, content: 'Решит оператор' });
    await settled(s.id);
    await ok(host.dispatch('sends.resolve', { id: s.id, as: 'sent' }));
    expect(await detail(s.id)).toMatchObject({ status: 'sent', settlement: { result: 'marked', by: 'operator' } });
  });

  it('Market: a shop-side message with the same text in the chat history settles it', async () => {
    market.server.inject({ path: '/chats/message', acceptThenDrop: true });
    const s = await send('market', {
      provider: 'market',
      businessId: '100500',
      chatId: '7000003',
      kind: 'text',
      text: 'Посылка у курьера',
    });
    expect(s.status).toBe('outcome_unknown');
    expect(await settled(s.id)).toMatchObject({
      status: 'sent',
      settlement: { result: 'found', by: 'provider', providerMessageId: expect.any(String) },
    });
    expect(market.messages.filter((m) => m.text === 'Посылка у курьера')).toHaveLength(1);
  });

  it('Green-API instance: the outgoing message in the chat history settles it with its idMessage', async () => {
    green.server.inject({ path: '/sendMessage/', acceptThenDrop: true });
    const s = await send('green', { provider: 'greenapi', recipientType: 'individual', to: '79012000000', text: 'Ждём вас' });
    expect(s.status).toBe('outcome_unknown');
    expect(await settled(s.id)).toMatchObject({
      status: 'sent',
      providerMessageId: green.messages.at(-1)!.idMessage,
      settlement: { result: 'found' },
    });
  });

  it('Green-API v1: says it cannot tell, and leaves the send to the operator', async () => {
    v1.server.inject({ path: '/v1/messages', acceptThenDrop: true });
    const s = await send('v1', { provider: 'greenapi', recipientType: 'individual', to: '79012000000', text: 'v1' });
    expect(s.status).toBe('outcome_unknown');
    expect(await settled(s.id)).toMatchObject({ status: 'outcome_unknown', settlement: { result: 'cannot_tell', by: 'app' } });
    expect(v1.server.received).toHaveLength(1);
  });
});
