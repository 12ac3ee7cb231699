import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { Conversation, RecipientSearchResult } from '../../shared/recipients.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { GreenApiInstanceSimulator } from '../sandbox/green-api-instance.ts';
import { GreenApiV1Simulator } from '../sandbox/green-api-v1.ts';
import { testHost, ok } from '../testing/host-fixture.ts';

const TOKEN = 'd75b3a66374942c5b3c019c698abc2067e151558acbd412345';

describe('Green-API read side against its simulators', () => {
  const sim = new GreenApiInstanceSimulator({ instances: { '1101000001': TOKEN }, read: { journalLagMs: 0 } });
  const v1 = new GreenApiV1Simulator({ tokens: [TOKEN] });
  let host: Awaited<ReturnType<typeof testHost>>;
  let account: AccountView;
  let legacy: AccountView;
  beforeAll(async () => {
    const [baseUrl, v1Url] = await Promise.all([sim.start(), v1.start()]);
    host = await testHost();
    account = await ok(
      host.dispatch('accounts.create', {
        name: 'WA',
        baseUrl,
        settings: { provider: 'greenapi', form: 'instance', idInstance: '1101000001' },
        secrets: { token: TOKEN },
      }),
    );
    legacy = await ok(
      host.dispatch('accounts.create', {
        name: 'WA v1',
        baseUrl: v1Url,
        settings: { provider: 'greenapi', form: 'v1' },
        secrets: { token: TOKEN },
      }),
    );
  });
  afterAll(async () => {
    await host.dispose();
    await Promise.all([sim.stop(), v1.stop()]);
  });

  it('reads the whole contact list in one call and finds a contact by phone and by name', async () => {
    const state = await ok<{ state: string; count: number }>(host.dispatch('recipients.refresh', { accountId: account.id }));
    expect(state).toMatchObject({ state: 'ready', count: sim.read.contacts.length });
    expect(sim.server.received.filter((r) => r.path.includes('/getContacts/')).length).toBe(1);
    const c = sim.read.contacts[5]!;
    const phone = c.id.replace('@c.us', '');
    const byPhone = await ok<RecipientSearchResult>(
      host.dispatch('recipients.search', {
        accountId: account.id,
        text: `+${phone.slice(0, 1)} ${phone.slice(1, 4)} ${phone.slice(4, 7)}`,
      }),
    );
    expect(byPhone.items.map((r) => r.target)).toContain(c.id);
    const byName = await ok<RecipientSearchResult>(host.dispatch('recipients.search', { accountId: account.id, text: c.contactName }));
    expect(byName.items[0]).toMatchObject({ target: c.id, kind: 'contact', detail: phone });
    const groups = await ok<RecipientSearchResult>(host.dispatch('recipients.search', { accountId: account.id, text: 'Склад' }));
    expect(groups.items[0]).toMatchObject({ kind: 'group', target: expect.stringMatching(/@g\.us$/) });
  });

  it('shows the chat history with our own message marked', async () => {
    const c = sim.read.contacts[0]!;
    const phone = c.id.replace('@c.us', '');
    const sent = await ok<SendSummary>(
      host.dispatch('sends.send', {
        accountId: account.id,
        message: { provider: 'greenapi', recipientType: 'individual', to: phone, text: 'Заказ в пути' },
      }),
    );
    expect(sent.status).toBe('sent');
    const conv = await ok<Conversation>(host.dispatch('conversations.get', { accountId: account.id, target: c.id, fresh: true }));
    expect(conv.items[0]).toMatchObject({ own: false, text: expect.any(String) });
    expect(conv.items.at(-1)).toMatchObject({ own: true, text: 'Заказ в пути', id: sent.providerMessageId });
  });

  it('says the v1 form has no directory and no conversation, so the number is typed', async () => {
    expect(await ok(host.dispatch('recipients.refresh', { accountId: legacy.id }))).toMatchObject({ state: 'unsupported', count: 0 });
    expect(await ok(host.dispatch('recipients.search', { accountId: legacy.id, text: '7901' }))).toMatchObject({
      items: [],
      directory: { state: 'unsupported' },
    });
    expect(await ok(host.dispatch('conversations.get', { accountId: legacy.id, target: '79011234567@c.us' }))).toMatchObject({
      state: 'unsupported',
    });
    expect(v1.server.received.length).toBe(0);
  });
});
