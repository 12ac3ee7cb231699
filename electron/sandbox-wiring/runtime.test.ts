import { afterEach, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import { testHost } from '../testing/host-fixture.ts';
import { SANDBOX_RECORD_LIMITS, SandboxRuntime } from './runtime.ts';

const undo: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const u of undo.splice(0)) await u();
});

describe('the app’s sandbox', () => {
  it('starts no simulator with the app, and each one on the first use of its account', async () => {
    const host = await testHost({ sandbox: true });
    undo.push(() => host.dispose());
    expect(host.sandbox!.running()).toEqual([]);

    const accounts = ((await host.dispatch('accounts.createSandbox', undefined)) as { value: AccountView[] }).value;
    expect(host.sandbox!.running()).toEqual([]);
    const wa = accounts.find((a) => a.provider === 'greenapi')!;
    const sent = await host.dispatch('sends.send', {
      accountId: wa.id,
      message: { provider: 'greenapi', recipientType: 'individual', to: '79001234567', text: 'Первая отправка' },
    });
    expect(sent).toMatchObject({ ok: true, value: { status: 'sent' } });
    expect(host.sandbox!.running()).toEqual(['greenapi']);
  });

  it('keeps at most its cap of requests after 1 000, each body cut at its cap', async () => {
    const runtime = new SandboxRuntime();
    undo.push(() => runtime.stop());
    const url = await runtime.baseUrl('greenapi');
    const post = (body: string) =>
      fetch(`${url}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${runtime.token}`, 'content-type': 'application/json' },
        body,
      }).then((r) => r.arrayBuffer());
    const large = JSON.stringify({ to: '79001234567', type: 'text', text: { body: 'ы'.repeat(60_000) } });
    for (let i = 0; i < 1000; i++)
      await post(i === 990 ? large : JSON.stringify({ to: '79001234567', type: 'text', text: { body: `№${i}` } }));

    const { received, faultsMet } = runtime.greenV1.server;
    expect(received).toHaveLength(SANDBOX_RECORD_LIMITS.requests);
    expect(faultsMet).toHaveLength(SANDBOX_RECORD_LIMITS.requests);
    expect(JSON.parse(received.at(-1)!.body.toString())).toMatchObject({ text: { body: '№999' } });
    const kept = received.find((r) => r.body.byteLength === SANDBOX_RECORD_LIMITS.bodyBytes);
    expect(kept?.body.toString()).toBe(Buffer.from(large).subarray(0, SANDBOX_RECORD_LIMITS.bodyBytes).toString());
    expect(Buffer.byteLength(large)).toBeGreaterThan(SANDBOX_RECORD_LIMITS.bodyBytes);
  });
});
