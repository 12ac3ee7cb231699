import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { ManualClock } from '../clock.ts';
import { openHistory } from '../history/store.ts';
import { GreenApiV1Simulator } from '../sandbox/green-api-v1.ts';
import { testHost, value } from '../testing/host-fixture.ts';
import { closedPortUrl } from '../testing/net.ts';

const TOKEN = 'gr.outbox-token-1234abcd';
const HOUR = 3_600_000;
type TestHost = Awaited<ReturnType<typeof testHost>>;

const text = (body: string) => ({ provider: 'greenapi' as const, recipientType: 'individual' as const, to: '79001234567', text: body });

describe('the outbox', () => {
  const sim = new GreenApiV1Simulator({ tokens: [TOKEN] });
  let baseUrl: string;
  beforeAll(async () => {
    baseUrl = await sim.start();
  });
  afterAll(() => sim.stop());
  beforeEach(() => {
    sim.server.clearFaults();
  });

  async function open(clock: ManualClock, dataDir?: string): Promise<{ host: TestHost; account: AccountView }> {
    const host = await testHost({ clock, ...(dataDir ? { dataDir } : {}), timeoutMs: 1000 });
    const existing = value<AccountView[]>(await host.dispatch('accounts.list', undefined))[0];
    const account =
      existing ??
      value<AccountView>(
        await host.dispatch('accounts.create', {
          name: 'WA',
          baseUrl,
          settings: { provider: 'greenapi', form: 'v1' },
          secrets: { token: TOKEN },
        }),
      );
    return { host, account };
  }

  async function statusOf(host: TestHost, id: string): Promise<SendSummary> {
    return value<SendSummary>(await host.dispatch('history.get', { id }));
  }

  async function eventually(host: TestHost, id: string, status: SendSummary['status']): Promise<SendSummary> {
    await vi.waitFor(async () => expect((await statusOf(host, id)).status).toBe(status), { timeout: 5000, interval: 20 });
    return statusOf(host, id);
  }

  it('sends a scheduled message at its time and not a moment before', async () => {
    const clock = new ManualClock();
    const { host, account } = await open(clock);
    const s = value<SendSummary>(
      await host.dispatch('sends.send', { accountId: account.id, message: text('в 10:00'), scheduledAt: clock.now() + HOUR }),
    );
    expect(s.status).toBe('scheduled');
    const before = sim.messages.length;
    clock.advance(HOUR - 1000);
    await new Promise((r) => setTimeout(r, 50));
    expect((await statusOf(host, s.id)).status).toBe('scheduled');
    expect(sim.messages.length).toBe(before);
    clock.advance(1000);
    await eventually(host, s.id, 'sent');
    expect(sim.messages.at(-1)!.body).toBe('в 10:00');
    await host.dispose();
  });

  it('keeps a scheduled send across a restart and sends it on time', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'outbox-restart-'));
    const clock = new ManualClock();
    const first = await open(clock, dataDir);
    const s = value<SendSummary>(
      await first.host.dispatch('sends.send', {
        accountId: first.account.id,
        message: text('после перезапуска'),
        scheduledAt: clock.now() + 2 * HOUR,
      }),
    );
    await first.host.close();

    const later = new ManualClock(clock.now() + HOUR);
    const second = await open(later, dataDir);
    expect((await statusOf(second.host, s.id)).status).toBe('scheduled');
    later.advance(HOUR - 1);
    await new Promise((r) => setTimeout(r, 50));
    expect((await statusOf(second.host, s.id)).status).toBe('scheduled');
    later.advance(1);
    await eventually(second.host, s.id, 'sent');
    await second.host.close();
  });

  it('waits out a 429 Retry-After, also across a restart, then sends once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'outbox-429-'));
    const clock = new ManualClock();
    const first = await open(clock, dataDir);
    sim.server.inject({ status: 429, headers: { 'retry-after': '120' } });
    const s = value<SendSummary>(await first.host.dispatch('sends.send', { accountId: first.account.id, message: text('после паузы') }));
    expect(s).toMatchObject({ status: 'waiting', nextAttemptAt: clock.now() + 120_000, error: { kind: 'rate_limited' } });
    await first.host.close();

    const second = await open(clock, dataDir);
    const before = sim.messages.length;
    clock.advance(119_000);
    await new Promise((r) => setTimeout(r, 50));
    expect((await statusOf(second.host, s.id)).status).toBe('waiting');
    clock.advance(1000);
    const done = await eventually(second.host, s.id, 'sent');
    expect(sim.messages.length).toBe(before + 1);
    expect(done.attemptCount).toBe(2);
    await second.host.close();
  });

  it('moves a scheduled send to a later time, and sends it then', async () => {
    const clock = new ManualClock();
    const { host, account } = await open(clock);
    const s = value<SendSummary>(
      await host.dispatch('sends.send', { accountId: account.id, message: text('перенесено'), scheduledAt: clock.now() + HOUR }),
    );
    expect(value<SendSummary>(await host.dispatch('sends.reschedule', { id: s.id, at: clock.now() + 3 * HOUR })).scheduledAt).toBe(
      clock.now() + 3 * HOUR,
    );
    clock.advance(2 * HOUR);
    await new Promise((r) => setTimeout(r, 50));
    expect((await statusOf(host, s.id)).status).toBe('scheduled');
    clock.advance(HOUR);
    await eventually(host, s.id, 'sent');
    expect(await host.dispatch('sends.reschedule', { id: s.id, at: clock.now() + HOUR })).toMatchObject({
      ok: false,
      error: { kind: 'conflict', reason: 'cannot_reschedule' },
    });
    await host.dispose();
  });

  it('cancels a scheduled send so it never leaves', async () => {
    const clock = new ManualClock();
    const { host, account } = await open(clock);
    const s = value<SendSummary>(
      await host.dispatch('sends.send', { accountId: account.id, message: text('отмена'), scheduledAt: clock.now() + HOUR }),
    );
    expect(value<SendSummary>(await host.dispatch('sends.cancel', { id: s.id })).status).toBe('cancelled');
    const before = sim.server.received.length;
    clock.advance(2 * HOUR);
    await new Promise((r) => setTimeout(r, 50));
    expect(sim.server.received.length).toBe(before);
    expect(await host.dispatch('sends.cancel', { id: s.id })).toMatchObject({ ok: false, error: { kind: 'conflict' } });
    await host.dispose();
  });

  it('an edited scheduled send takes the old one’s place: only the new text leaves, at its time', async () => {
    const clock = new ManualClock();
    const { host, account } = await open(clock);
    const old = value<SendSummary>(
      await host.dispatch('sends.send', {
        accountId: account.id,
        message: text('Завтра в 10:00 привезём'),
        scheduledAt: clock.now() + HOUR,
      }),
    );
    const edited = value<SendSummary>(
      await host.dispatch('sends.send', {
        accountId: account.id,
        message: text('Завтра в 11:00 привезём'),
        scheduledAt: clock.now() + 2 * HOUR,
        replaces: old.id,
      }),
    );
    expect(edited).toMatchObject({ status: 'scheduled', resendOf: old.id });
    expect((await statusOf(host, old.id)).status).toBe('cancelled');

    const before = sim.messages.length;
    clock.advance(HOUR);
    await new Promise((r) => setTimeout(r, 50));
    expect(sim.messages.length).toBe(before);
    clock.advance(HOUR);
    await eventually(host, edited.id, 'sent');
    expect(sim.messages.slice(before).map((m) => m.body)).toEqual(['Завтра в 11:00 привезём']);
    await host.dispose();
  });

  it('refuses to replace a send that already left, and writes nothing', async () => {
    const clock = new ManualClock();
    const { host, account } = await open(clock);
    const gone = value<SendSummary>(await host.dispatch('sends.send', { accountId: account.id, message: text('уже ушло') }));
    expect(gone.status).toBe('sent');
    const listed = () => host.dispatch('history.list', { limit: 500 }).then((r) => value<{ items: SendSummary[] }>(r).items.length);
    const count = await listed();
    expect(await host.dispatch('sends.send', { accountId: account.id, message: text('исправленное'), replaces: gone.id })).toMatchObject({
      ok: false,
      error: { kind: 'conflict', reason: 'cannot_replace' },
    });
    expect(await listed()).toBe(count);
    expect((await statusOf(host, gone.id)).status).toBe('sent');
    await host.dispose();
  });

  it('never repeats a send whose connection dropped after the body: the operator decides', async () => {
    const clock = new ManualClock();
    const { host, account } = await open(clock);
    sim.server.inject({ acceptThenDrop: true });
    const before = sim.messages.length;
    const s = value<SendSummary>(await host.dispatch('sends.send', { accountId: account.id, message: text('дошло?') }));
    expect(s).toMatchObject({ status: 'outcome_unknown', error: { kind: 'outcome_unknown', reason: 'connection_lost' } });
    clock.advance(HOUR);
    await new Promise((r) => setTimeout(r, 50));
    expect(sim.messages.length).toBe(before + 1);

    const waiting = async () =>
      value<{ items: SendSummary[] }>(await host.dispatch('history.list', { undecided: true, limit: 50 })).items.map((x) => x.id);
    sim.server.inject({ dropAfterBody: true });
    const other = value<SendSummary>(await host.dispatch('sends.send', { accountId: account.id, message: text('ещё раз?') }));
    expect(await waiting()).toEqual([other.id, s.id]);

    const marked = value<SendSummary>(await host.dispatch('sends.resolve', { id: s.id, as: 'sent' }));
    expect(marked.status).toBe('sent');
    const again = value<SendSummary>(await host.dispatch('sends.resolve', { id: other.id, as: 'send_again' }));
    expect(again).toMatchObject({ status: 'sent', resendOf: other.id });
    // Sending again is the operator's decision: the old send keeps its unknown outcome, and waits no more.
    expect((await statusOf(host, other.id)).status).toBe('outcome_unknown');
    expect(await waiting()).toEqual([]);
    await host.dispose();
  });

  it('repeats by itself only what never reached the provider', async () => {
    const clock = new ManualClock();
    const { host, account } = await open(clock);
    const offline = value<AccountView>(
      await host.dispatch('accounts.create', {
        name: 'WA offline',
        baseUrl: await closedPortUrl(),
        settings: { provider: 'greenapi', form: 'v1' },
        secrets: { token: TOKEN },
      }),
    );
    const s = value<SendSummary>(await host.dispatch('sends.send', { accountId: offline.id, message: text('никуда') }));
    expect(s).toMatchObject({ status: 'waiting', error: { kind: 'network', reason: 'not_reached' } });
    // Another server: the token is bound to the address it was entered for, so it is entered again.
    await host.dispatch('accounts.update', { id: offline.id, baseUrl, secrets: { token: TOKEN } });
    clock.advance(10_000);
    await eventually(host, s.id, 'sent');
    void account;
    await host.dispose();
  });

  it('on start, resolves a send a crash left in "sending" as outcome_unknown, never as a silent repeat', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'outbox-crash-'));
    const clock = new ManualClock();
    const first = await open(clock, dataDir);
    const s = value<SendSummary>(
      await first.host.dispatch('sends.send', {
        accountId: first.account.id,
        message: text('оборвалось'),
        scheduledAt: clock.now() + HOUR,
      }),
    );
    await first.host.close();
    // What a crash mid-attempt leaves behind: the send in `sending` with an open attempt.
    const db = openHistory(join(dataDir, 'history.sqlite'));
    db.updateSend(s.id, { status: 'pending', updatedAt: clock.now() }, ['scheduled']);
    expect(db.startAttempt(s.id, 1, clock.now())).toBe(true);
    db.close();

    const before = sim.server.received.length;
    const second = await open(clock, dataDir);
    const after = await statusOf(second.host, s.id);
    expect(after).toMatchObject({ status: 'outcome_unknown', error: { reason: 'interrupted' } });
    clock.advance(2 * HOUR);
    await new Promise((r) => setTimeout(r, 50));
    expect(sim.server.received.length).toBe(before);
    await second.host.close();
  });
});
