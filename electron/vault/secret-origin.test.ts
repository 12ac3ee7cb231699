import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountsExport, AccountView } from '../../shared/accounts.ts';
import { testHost } from '../testing/host-fixture.ts';
import { recordingListener } from '../testing/recording-listener.ts';
import { confSettings } from './conf-settings.ts';

const TOKEN = 'pachca-origin-bound-token-7d1e';
const profile = { status: 200, body: { data: { id: 1, first_name: 'Оператор', nickname: 'op', bot: false } } };

describe('a secret goes only where it was entered for', () => {
  let first: Awaited<ReturnType<typeof recordingListener>>;
  let elsewhere: Awaited<ReturnType<typeof recordingListener>>;
  beforeAll(async () => {
    first = await recordingListener(() => profile);
    elsewhere = await recordingListener(() => profile);
  });
  afterAll(async () => {
    await first.close();
    await elsewhere.close();
  });

  async function accountAt(host: Awaited<ReturnType<typeof testHost>>, baseUrl: string): Promise<AccountView> {
    const r = await host.dispatch('accounts.create', {
      name: 'Пачка',
      baseUrl,
      settings: { provider: 'pachca', isBot: false },
      secrets: { token: TOKEN },
    });
    if (!r.ok) throw new Error(r.error.message);
    return r.value as AccountView;
  }

  it('clears the token when the base URL moves to another server; the check and a send carry nothing there', async () => {
    const host = await testHost();
    const account = await accountAt(host, first.url);
    expect(await host.dispatch('accounts.check', { id: account.id })).toMatchObject({ ok: true, value: { ok: true } });
    expect(first.heard.at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);

    const moved = await host.dispatch('accounts.update', { id: account.id, baseUrl: elsewhere.url });
    expect(moved).toMatchObject({
      ok: true,
      value: { baseUrl: elsewhere.url, secretState: { token: { set: false }, cleared: 'origin_changed' } },
    });

    expect(await host.dispatch('accounts.check', { id: account.id })).toMatchObject({
      ok: false,
      error: { field: 'secrets.token', reason: 'secret_origin_changed' },
    });
    const send = await host.dispatch('sends.send', {
      accountId: account.id,
      message: { provider: 'pachca', entityType: 'user', entityId: 42, content: 'Здравствуйте' },
    });
    expect(send).toMatchObject({ ok: false, error: { reason: 'secret_origin_changed' } });
    expect(elsewhere.heard.filter((h) => h.headers.authorization)).toEqual([]);
    expect(JSON.stringify(elsewhere.heard)).not.toContain(TOKEN);

    // Entering the token again for the new address binds it there, and the note goes away.
    const again = await host.dispatch('accounts.update', { id: account.id, secrets: { token: TOKEN } });
    expect(again.ok && (again.value as AccountView).secretState).toEqual({ token: { set: true, mask: '••••7d1e' } });
    expect(await host.dispatch('accounts.check', { id: account.id })).toMatchObject({ ok: true, value: { ok: true } });
    expect(elsewhere.heard.at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    await host.dispose();
  });

  it('keeps the token when only the path changes on the same server', async () => {
    const host = await testHost();
    const account = await accountAt(host, first.url);
    const r = await host.dispatch('accounts.update', { id: account.id, baseUrl: `${first.url}/api/shared/v1` });
    expect(r).toMatchObject({ ok: true, value: { secretState: { token: { set: true } } } });
    await host.dispose();
  });

  it('refuses to hand out a token whose stored address was changed behind the app’s back', async () => {
    const host = await testHost();
    const account = await accountAt(host, first.url);
    await host.close();
    // Someone edits config.json by hand: the account now points elsewhere, the sealed token stays.
    const store = confSettings(host.dataDir);
    const stored = store.get('accounts') as { id: string; baseUrl: string }[];
    store.set(
      'accounts',
      stored.map((a) => (a.id === account.id ? { ...a, baseUrl: elsewhere.url } : a)),
    );
    const reopened = await testHost({ dataDir: host.dataDir });
    const before = elsewhere.heard.length;
    expect(await reopened.dispatch('accounts.check', { id: account.id })).toMatchObject({
      ok: false,
      error: { reason: 'secret_origin_mismatch' },
    });
    expect(elsewhere.heard.length).toBe(before);
    await reopened.dispose();
  });

  it('an imported file naming an existing account at another address carries no token there', async () => {
    const host = await testHost();
    const account = await accountAt(host, first.url);
    const exported = await host.dispatch('accounts.export', undefined);
    if (!exported.ok) throw new Error(exported.error.message);
    const doc = JSON.parse((exported.value as { json: string }).json) as AccountsExport;
    const redirected = { ...doc, accounts: doc.accounts.map((a) => ({ ...a, baseUrl: elsewhere.url })) };
    const imported = await host.dispatch('accounts.import', { json: JSON.stringify(redirected) });
    expect(imported).toMatchObject({ ok: true, value: { imported: 1 } });
    const before = elsewhere.heard.length;
    for (const a of imported.ok ? (imported.value as { accounts: AccountView[] }).accounts : []) {
      expect(a.secretState.token.set).toBe(false);
      expect(await host.dispatch('accounts.check', { id: a.id })).toMatchObject({ ok: false, error: { reason: 'token_not_set' } });
    }
    expect(elsewhere.heard.length).toBe(before);
    // The existing account still points where its token was entered for.
    const list = await host.dispatch('accounts.list', undefined);
    expect(list.ok && (list.value as AccountView[]).find((a) => a.id === account.id)).toMatchObject({
      baseUrl: first.url,
      secretState: { token: { set: true } },
    });
    await host.dispose();
  });
});
