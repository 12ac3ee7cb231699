import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { SendDetail } from '../../shared/contract.ts';
import type { Conversation, RecipientSearchResult } from '../../shared/recipients.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { MarketSimulator } from '../sandbox/market.ts';
import { hostWithAccount, ok, type TestHost } from '../testing/host-fixture.ts';

const TOKEN = 'ACMA:market-read-token';

describe('Market read side against its simulator', () => {
  const sim = new MarketSimulator({ tokens: [TOKEN], read: { chats: 200, visibleAfterMs: 0 } });
  let host: TestHost;
  let account: AccountView;
  const search = (text: string) => ok<RecipientSearchResult>(host.dispatch('recipients.search', { accountId: account.id, text }));
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ host, account, stop } = await hostWithAccount(sim, {
      name: 'Market',
      settings: { provider: 'market', businessId: '100500' },
      secrets: { token: TOKEN },
    }));
  });
  afterAll(() => stop());

  it('lets a send go first while a directory refresh pages through every chat', async () => {
    let pages = 0;
    sim.server.chooseFault = (req) => {
      if (req.path.endsWith('/chats') && ++pages === 2) return { delayMs: 300 };
      if (req.path.endsWith('/chats/message')) return { delayMs: 500 };
      return undefined;
    };
    const refresh = host.dispatch('recipients.refresh', { accountId: account.id });
    while (sim.server.received.filter((r) => r.path.endsWith('/chats')).length < 2) await new Promise((r) => setTimeout(r, 5));
    const sent = await ok<SendSummary>(
      host.dispatch('sends.send', {
        accountId: account.id,
        message: { provider: 'market', businessId: '100500', chatId: '7000011', kind: 'text', text: 'Заказ передан в доставку' },
      }),
    );
    const state = await ok<{ state: string; count: number }>(refresh);
    sim.server.chooseFault = undefined;
    expect(sent.status).toBe('sent');
    expect(state).toMatchObject({ state: 'ready', count: 200 });
    const reads = sim.server.received.filter((r) => r.path.endsWith('/chats'));
    expect(reads.length).toBe(10);
    expect(reads.every((r) => r.query.get('limit') === '20')).toBe(true);
    // The third page was asked for only after the send had its answer, although the second page came back first.
    const detail = await ok<SendDetail>(host.dispatch('history.get', { id: sent.id }));
    expect(reads[2]!.at).toBeGreaterThanOrEqual(detail.attempts[0]!.endedAt!);
  });

  it('tells the window when the directory changes, so a search made during the first refresh is asked again', async () => {
    const other = await ok<AccountView>(
      host.dispatch('accounts.create', {
        name: 'Market 2',
        baseUrl: sim.server.baseUrl,
        settings: { provider: 'market', businessId: '100500' },
        secrets: { token: TOKEN },
      }),
    );
    const told: string[] = [];
    const off = host.on('directoryChanged', ({ accountId }) => told.push(accountId));
    sim.server.chooseFault = (req) => (req.path.endsWith('/chats') ? { delayMs: 50 } : undefined);
    const early = await ok<RecipientSearchResult>(host.dispatch('recipients.search', { accountId: other.id, text: '45000370' }));
    expect(early).toMatchObject({ items: [], directory: { state: 'refreshing' } });
    await ok(host.dispatch('recipients.refresh', { accountId: other.id }));
    sim.server.chooseFault = undefined;
    off();
    expect(told.length).toBeGreaterThanOrEqual(2);
    expect(new Set(told)).toEqual(new Set([other.id]));
    const again = await ok<RecipientSearchResult>(host.dispatch('recipients.search', { accountId: other.id, text: '45000370' }));
    expect(again.items[0]).toMatchObject({ target: '7000011' });
    await ok(host.dispatch('accounts.remove', { id: other.id }));
  });

  it('finds a chat by order number, by the buyer’s name, and puts the one just answered first', async () => {
    const byOrder = await search('45000370');
    expect(byOrder.items[0]).toMatchObject({ target: '7000011', kind: 'chat', detail: expect.stringContaining('45000370') });
    const buyer = sim.read.chats[20]!.customer.name;
    expect((await search(buyer.split(' ')[0]!)).items.map((r) => r.name)).toContain(buyer);
    expect((await search('')).items[0]).toMatchObject({ target: '7000011', lastUsedAt: expect.any(Number) });
    const history = await ok<{ items: SendSummary[] }>(host.dispatch('history.list', { limit: 1 }));
    expect(history.items[0]).toMatchObject({ recipient: 'chat 7000011', recipientName: sim.read.chats[10]!.customer.name });
  });

  it('shows the buyer’s messages and our answer, oldest first, our answer marked', async () => {
    const c = await ok<Conversation>(host.dispatch('conversations.get', { accountId: account.id, target: '7000011', fresh: true }));
    expect(c.items[0]).toMatchObject({ own: false, author: sim.read.chats[10]!.customer.name, text: expect.stringContaining('?') });
    expect(c.items.at(-1)).toMatchObject({ own: true, text: 'Заказ передан в доставку' });
  });

  it('keeps the cached conversation and says why when Market refuses over its quota', async () => {
    sim.read.historyPerHour = 0;
    const c = await ok<Conversation>(host.dispatch('conversations.get', { accountId: account.id, target: '7000011', fresh: true }));
    sim.read.historyPerHour = 10_000;
    expect(c).toMatchObject({ state: 'failed', fromCache: true, error: { kind: 'rate_limited' } });
    expect(c.items.at(-1)).toMatchObject({ text: 'Заказ передан в доставку' });
  });
});
