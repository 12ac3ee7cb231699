import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { SendDetail } from '../../shared/contract.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { GreenApiInstanceSimulator } from '../sandbox/green-api-instance.ts';
import { MarketSimulator } from '../sandbox/market.ts';
import { PachcaSimulator } from '../sandbox/pachca.ts';
import { testHost, ok } from '../testing/host-fixture.ts';

const TOKEN = 'edits-token-123456';
const INSTANCE_TOKEN = 'd75b3a66374942c5b3c019c698abc2067e151558acbd4bbbb';

describe('edit and delete a sent message where the provider allows it', () => {
  let simNow = Date.now();
  const pachca = new PachcaSimulator({ tokens: [TOKEN], read: { visibleAfterMs: 0 } });
  const green = new GreenApiInstanceSimulator({
    instances: { '1101000001': INSTANCE_TOKEN },
    read: { journalLagMs: 0, now: () => simNow },
  });
  const market = new MarketSimulator({ tokens: [TOKEN] });
  let host: Awaited<ReturnType<typeof testHost>>;
  const acc: Record<string, AccountView> = {};
  const send = (a: string, message: unknown) => ok<SendSummary>(host.dispatch('sends.send', { accountId: acc[a]!.id, message }));
  const detail = (id: string) => ok<SendDetail>(host.dispatch('history.get', { id }));
  beforeAll(async () => {
    const [p, g, m] = await Promise.all([pachca.start(), green.start(), market.start()]);
    host = await testHost();
    const make = async (k: string, body: unknown) => (acc[k] = await ok<AccountView>(host.dispatch('accounts.create', body)));
    await make('pachca', { name: 'P', baseUrl: p, settings: { provider: 'pachca', isBot: false }, secrets: { token: TOKEN } });
    await make('green', {
      name: 'G',
      baseUrl: g,
      settings: { provider: 'greenapi', form: 'instance', idInstance: '1101000001' },
      secrets: { token: INSTANCE_TOKEN },
    });
    await make('market', { name: 'M', baseUrl: m, settings: { provider: 'market', businessId: '100500' }, secrets: { token: TOKEN } });
  });
  afterAll(async () => {
    await host.dispose();
    await Promise.all([pachca.stop(), green.stop(), market.stop()]);
  });

  it('Pachca: edits the text, then deletes the message; both are events of the send, and a second delete is refused', async () => {
    const s = await send('pachca', { provider: 'pachca', entityType: 'discussion', entityId: 5001, content: 'Опечатка' });
    await ok(host.dispatch('sentMessages.edit', { id: s.id, text: 'Исправлено' }));
    const put = pachca.server.received.find((r) => r.method === 'PUT')!;
    expect(put.path).toBe(`/messages/${s.providerMessageId}`);
    expect(JSON.parse(put.body.toString())).toEqual({ message: { content: 'Исправлено' } });
    const conv = await ok<{ items: { id: string; text: string }[] }>(
      host.dispatch('conversations.get', { accountId: acc.pachca!.id, target: 'discussion:5001', fresh: true }),
    );
    expect(conv.items.find((m) => m.id === s.providerMessageId)?.text).toBe('Исправлено');
    await ok(host.dispatch('sentMessages.remove', { id: s.id }));
    expect(pachca.server.received.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([`/messages/${s.providerMessageId}`]);
    expect((await detail(s.id)).events).toMatchObject([{ kind: 'edited', text: 'Исправлено' }, { kind: 'deleted' }]);
    expect(await host.dispatch('sentMessages.remove', { id: s.id })).toMatchObject({
      ok: false,
      error: { kind: 'conflict', reason: 'already_deleted' },
    });
  });

  it('Pachca: the provider’s refusal is explained and kept as an event', async () => {
    const s = await send('pachca', { provider: 'pachca', entityType: 'discussion', entityId: 5002, content: 'Текст' });
    const r = await host.dispatch('sentMessages.edit', { id: s.id, text: '   ' });
    expect(r).toMatchObject({ ok: false, error: { providerStatus: 422 } });
    expect((await detail(s.id)).events).toMatchObject([{ kind: 'edited', error: { providerStatus: 422 } }]);
  });

  it('Green-API instance: edits within 15 minutes, refuses after them, and deletes', async () => {
    const s = await send('green', { provider: 'greenapi', recipientType: 'individual', to: '79012000000', text: 'Встреча в 10' });
    await ok(host.dispatch('sentMessages.edit', { id: s.id, text: 'Встреча в 11' }));
    expect(JSON.parse(green.server.received.find((r) => r.path.includes('/editMessage/'))!.body.toString())).toEqual({
      chatId: '79012000000@c.us',
      idMessage: s.providerMessageId,
      message: 'Встреча в 11',
    });
    simNow += 16 * 60_000;
    const late = await send('green', { provider: 'greenapi', recipientType: 'individual', to: '79012000000', text: 'Старое' });
    const refused = await host.dispatch('sentMessages.edit', { id: late.id, text: 'Новое' });
    // The simulator's clock moved, the app's did not: the provider's own refusal is what the operator reads.
    expect(refused).toMatchObject({ ok: false, error: { providerStatus: 400, providerText: expect.stringContaining('15 minutes') } });
    await ok(host.dispatch('sentMessages.remove', { id: s.id }));
    expect((await detail(s.id)).events).toMatchObject([{ kind: 'edited' }, { kind: 'deleted' }]);
  });

  it('Market: says a sent chat message cannot be edited or deleted, and asks nothing of Market', async () => {
    const s = await send('market', { provider: 'market', businessId: '100500', chatId: '7000003', kind: 'text', text: 'Нельзя изменить' });
    const before = market.server.received.length;
    expect(await host.dispatch('sentMessages.edit', { id: s.id, text: 'x' })).toMatchObject({
      ok: false,
      error: { reason: 'edit_unsupported' },
    });
    expect(await host.dispatch('sentMessages.remove', { id: s.id })).toMatchObject({ ok: false, error: { reason: 'delete_unsupported' } });
    expect(market.server.received.length).toBe(before);
  });
});
