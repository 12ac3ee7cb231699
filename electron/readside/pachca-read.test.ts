import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { Conversation, RecipientSearchResult } from '../../shared/recipients.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { PachcaSimulator } from '../sandbox/pachca.ts';
import { hostWithAccount, ok, type TestHost } from '../testing/host-fixture.ts';

const TOKEN = 'pachca-read-token-1';

describe('Pachca read side against its simulator', () => {
  const sim = new PachcaSimulator({ tokens: [TOKEN], read: { chats: 120, users: 80, visibleAfterMs: 0 } });
  let host: TestHost;
  let account: AccountView;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ host, account, stop } = await hostWithAccount(sim, {
      name: 'Pachca',
      settings: { provider: 'pachca', isBot: false },
      secrets: { token: TOKEN },
    }));
  });
  afterAll(() => stop());

  it('pages through chats and users to has_next: false and keeps all of them', async () => {
    const state = await ok<{ state: string; count: number }>(host.dispatch('recipients.refresh', { accountId: account.id }));
    expect(state).toMatchObject({ state: 'ready', count: sim.read.chats.length + sim.read.users.length });
    const chatPages = sim.server.received.filter((r) => r.path === '/chats');
    expect(chatPages.length).toBe(Math.ceil(sim.read.chats.length / 50));
    expect(chatPages.every((r) => r.query.get('limit') === '50')).toBe(true);
  });

  it('finds a user by name, by phone and by e-mail, and a chat by its name', async () => {
    const u = sim.read.users[7]!;
    const search = (text: string) => ok<RecipientSearchResult>(host.dispatch('recipients.search', { accountId: account.id, text }));
    expect((await search(`${u.firstName.slice(0, 3)} ${u.lastName}`)).items.map((r) => r.target)).toContain(`user:${u.id}`);
    expect((await search(u.phone.replace('+7900', '+7 900 ').slice(0, 9))).items.map((r) => r.target)).toContain(`user:${u.id}`);
    expect((await search(u.email)).items[0]).toMatchObject({ target: `user:${u.id}`, kind: 'user' });
    expect((await search('Логистика 2')).items[0]).toMatchObject({ target: 'discussion:5010', name: 'Логистика 2' });
  });

  it('puts a recipient just written to first, and names it in the history', async () => {
    const sent = await ok<SendSummary>(
      host.dispatch('sends.send', {
        accountId: account.id,
        message: { provider: 'pachca', entityType: 'discussion', entityId: 5003, content: 'Отгрузка завтра' },
      }),
    );
    expect(sent.status).toBe('sent');
    const first = await ok<RecipientSearchResult>(host.dispatch('recipients.search', { accountId: account.id, text: '' }));
    expect(first.items[0]).toMatchObject({ target: 'discussion:5003', lastUsedAt: expect.any(Number) });
    const list = await ok<{ items: SendSummary[] }>(host.dispatch('history.list', { limit: 5 }));
    expect(list.items[0]).toMatchObject({ recipient: 'chat 5003', recipientName: sim.read.chats[3]!.name });
  });

  it('shows the conversation oldest first with authors, files and our own message marked once the lag has passed', async () => {
    const get = (fresh: boolean) =>
      ok<Conversation>(host.dispatch('conversations.get', { accountId: account.id, target: 'discussion:5003', fresh }));
    sim.read.visibleAfterMs = 60_000;
    const early = await get(true);
    expect(early.items.some((m) => m.text === 'Отгрузка завтра')).toBe(false);
    sim.read.visibleAfterMs = 0;
    const c = await get(true);
    expect(c.state).toBe('ok');
    expect(c.items.at(-1)).toMatchObject({ text: 'Отгрузка завтра', own: true });
    expect(c.items.filter((m) => !m.own).length).toBe(3);
    expect(c.items.some((m) => m.files.includes('invoice.pdf'))).toBe(true);
    expect(c.items.map((m) => m.at)).toEqual(c.items.map((m) => m.at).toSorted((a, b) => a - b));
    const other = c.items.find((m) => !m.own)!;
    expect(other.author).not.toMatch(/^\d+$/);
    const cached = await get(false);
    expect(cached).toMatchObject({ fromCache: true, items: c.items });
  });
});
