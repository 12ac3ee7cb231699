import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { DirectoryState, RecipientSearchResult } from '../../shared/recipients.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { MarketSimulator } from '../sandbox/market.ts';
import { testHost, ok } from '../testing/host-fixture.ts';

const TOKEN = 'ACMA:directory-gaps-token';
const BUSINESS = '100500';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Storing a directory page is work on the main thread, which every send needs as well. A refresh
 * stores its pages only between sends, of any account: the bench's "send during refresh" figure.
 */
describe('a directory refresh stores its pages in the gaps between sends', () => {
  const sim = new MarketSimulator({ tokens: [TOKEN], read: { chats: 100, visibleAfterMs: 0 } });
  let host: Awaited<ReturnType<typeof testHost>>;
  let reading: AccountView;
  let sending: AccountView;
  const create = (name: string) =>
    ok<AccountView>(
      host.dispatch('accounts.create', {
        name,
        baseUrl: sim.server.baseUrl,
        settings: { provider: 'market', businessId: BUSINESS },
        secrets: { token: TOKEN },
      }),
    );
  beforeAll(async () => {
    await sim.start();
    host = await testHost();
    reading = await create('Market, refreshed');
    sending = await create('Market, sending');
  });
  afterAll(async () => {
    await host.dispose();
    await sim.stop();
  });

  it('holds a page it has read until another account’s send is answered, then stores every chat', async () => {
    const chatReads = () => sim.server.received.filter((r) => r.path.endsWith('/chats')).length;
    sim.server.chooseFault = (req) => (req.path.endsWith('/chats/message') ? { delayMs: 1500 } : undefined);
    const send = host.dispatch('sends.send', {
      accountId: sending.id,
      message: { provider: 'market', businessId: BUSINESS, chatId: '7000011', kind: 'text', text: 'Заказ передан в доставку' },
    });
    while (!sim.server.received.some((r) => r.path.endsWith('/chats/message'))) await sleep(5);

    // The other account's reads are not paced by this send, so its first page is read at once…
    const refresh = host.dispatch('recipients.refresh', { accountId: reading.id });
    while (chatReads() < 1) await sleep(5);
    await sleep(300);
    // …but kept out of the database, and the next page is not asked for, while the send is on its way.
    const during = await ok<RecipientSearchResult>(host.dispatch('recipients.search', { accountId: reading.id, text: '' }));
    expect(during.directory).toMatchObject({ state: 'refreshing', count: 0 });
    expect(chatReads()).toBe(1);

    expect((await ok<SendSummary>(send)).status).toBe('sent');
    const done = await ok<DirectoryState>(refresh);
    sim.server.chooseFault = undefined;
    expect(done).toMatchObject({ state: 'ready', count: 100 });
    expect(chatReads()).toBe(5);
  });

  it('is held back a while only by a send that stays on its way: the refresh ends before that send does', async () => {
    sim.server.chooseFault = (req) => (req.path.endsWith('/chats/message') ? { delayMs: 7000 } : undefined);
    const send = host.dispatch('sends.send', {
      accountId: sending.id,
      message: { provider: 'market', businessId: BUSINESS, chatId: '7000012', kind: 'text', text: 'Документы будут завтра' },
    });
    const asked = sim.server.received.filter((r) => r.path.endsWith('/chats/message')).length;
    while (sim.server.received.filter((r) => r.path.endsWith('/chats/message')).length === asked) await sleep(5);
    let sent = false;
    void send.then(() => (sent = true));
    const done = await ok<DirectoryState>(host.dispatch('recipients.refresh', { accountId: reading.id }));
    expect(done).toMatchObject({ state: 'ready', count: 100 });
    expect(sent).toBe(false);
    expect((await ok<SendSummary>(send)).status).toBe('sent');
    sim.server.chooseFault = undefined;
  });
});
