import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView } from '../shared/accounts.ts';
import type { SendDetail } from '../shared/contract.ts';
import type { SendSummary } from '../shared/sends.ts';
import { GreenApiV1Simulator } from './sandbox/green-api-v1.ts';
import { PachcaSimulator } from './sandbox/pachca.ts';
import { hostWithAccount, testHost, type TestHost } from './testing/host-fixture.ts';

const TOKEN = 'gr.host-test-token-0c0ffee';

describe('the host behind the IPC contract', () => {
  const sim = new GreenApiV1Simulator({ tokens: [TOKEN] });
  let host: TestHost;
  let account: AccountView;
  beforeAll(async () => {
    const baseUrl = await sim.start();
    host = await testHost();
    const r = await host.dispatch('accounts.create', {
      name: 'WhatsApp',
      baseUrl,
      settings: { provider: 'greenapi', form: 'v1' },
      secrets: { token: TOKEN },
    });
    if (!r.ok) throw new Error(r.error.message);
    account = r.value as AccountView;
  });
  afterAll(async () => {
    await host.dispose();
    await sim.stop();
  });

  it('sends a Green-API text through the whole pipeline and lists it in the history', async () => {
    const r = await host.dispatch('sends.send', {
      accountId: account.id,
      message: { provider: 'greenapi', recipientType: 'individual', to: '79001234567', text: 'Здравствуйте!' },
    });
    expect(r).toMatchObject({ ok: true, value: { status: 'sent', providerMessageId: sim.messages.at(-1)!.id, recipient: '79001234567' } });
    const list = await host.dispatch('history.list', { limit: 10 });
    expect(list.ok && (list.value as { items: SendSummary[] }).items[0]).toMatchObject({
      status: 'sent',
      preview: { kind: 'text', text: 'Здравствуйте!' },
    });
  });

  it('refuses a 4097-character body sent straight to the handler, and the simulator receives nothing', async () => {
    const before = sim.server.received.length;
    const r = await host.dispatch('sends.send', {
      accountId: account.id,
      message: { provider: 'greenapi', recipientType: 'individual', to: '79001234567', text: 'ж'.repeat(4097) },
    });
    expect(r).toEqual({ ok: false, error: expect.objectContaining({ kind: 'invalid', field: 'text', reason: 'too_long', limit: 4096 }) });
    expect(sim.server.received.length).toBe(before);
  });

  it('refuses an unknown channel and a malformed payload, and keeps serving', async () => {
    expect(await host.dispatch('accounts.dropAll', {})).toMatchObject({ ok: false, error: { kind: 'invalid', reason: 'unknown_channel' } });
    expect(await host.dispatch('sends.send', { accountId: 42, message: 'hello' })).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(await host.dispatch('sends.send', null)).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(await host.dispatch('history.list', { limit: 1e9 })).toMatchObject({ ok: false, error: { kind: 'invalid', field: 'limit' } });
    expect(await host.dispatch('__proto__.constructor', {})).toMatchObject({ ok: false, error: { reason: 'unknown_channel' } });
    expect(await host.dispatch('app.info', undefined)).toMatchObject({ ok: true, value: { version: '0.0.0-test' } });
  });

  it('never answers a secret through any channel', async () => {
    await host.dispatch('sends.send', {
      accountId: account.id,
      message: { provider: 'greenapi', recipientType: 'individual', to: '79001234567', text: 'ещё раз' },
    });
    const list = await host.dispatch('history.list', { limit: 50 });
    const ids = list.ok ? (list.value as { items: SendSummary[] }).items.map((s) => s.id) : [];
    const replies = [
      await host.dispatch('app.info', undefined),
      await host.dispatch('settings.get', undefined),
      await host.dispatch('accounts.list', undefined),
      await host.dispatch('accounts.update', { id: account.id, name: 'WhatsApp 2' }),
      await host.dispatch('accounts.check', { id: account.id }),
      await host.dispatch('accounts.export', undefined),
      list,
      ...(await Promise.all(ids.map((id) => host.dispatch('history.get', { id })))),
    ];
    expect(replies.every((r) => r.ok)).toBe(true);
    for (const r of replies) expect(JSON.stringify(r)).not.toContain(TOKEN);
    const detail = replies.at(-1)!;
    expect(detail.ok && (detail.value as { curl: string }).curl).toContain("-H 'authorization: Bearer $TOKEN'");
  });
});

describe('a send opened again from history', () => {
  const sim = new PachcaSimulator({ tokens: [TOKEN], botTokens: [] });
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

  it('brings back the files still on disk as they were sent, and leaves out a deleted one and a changed one', async () => {
    const paths = ['накладная.pdf', 'фото.png', 'счёт.pdf'].map((name) => join(host.dataDir, name));
    paths.forEach((p, i) => writeFileSync(p, `файл ${i}`));
    const handles = await Promise.all(paths.map((p) => host.files.register(p)));
    const sent = await host.dispatch('sends.send', {
      accountId: account.id,
      message: { provider: 'pachca', entityType: 'discussion', entityId: 198, content: 'Документы', files: handles.map((h) => h.id) },
    });
    expect(sent).toMatchObject({ ok: true, value: { status: 'sent' } });

    rmSync(paths[1]!);
    appendFileSync(paths[2]!, ' и ещё строка');
    const detail = await host.dispatch('history.get', { id: (sent.ok && (sent.value as SendSummary).id) || '' });
    expect(detail.ok && (detail.value as SendDetail).files).toEqual([handles[0]]);
  });
});
