import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { Reply } from '../../shared/contract.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { ManualClock } from '../clock.ts';
import { GreenApiV1Simulator } from '../sandbox/green-api-v1.ts';
import { testHost } from '../testing/host-fixture.ts';
import { SlowSecretBox } from '../testing/slow-secret-box.ts';

const TOKEN = 'gr.race-token-5678efgh';
const HOUR = 3_600_000;

function value<T>(r: Reply): T {
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.message}`);
  return r.value as T;
}

const text = (body: string) => ({ provider: 'greenapi' as const, recipientType: 'individual' as const, to: '79001234567', text: body });

/**
 * The operator acts while an attempt waits for its token (a keychain prompt, a slow disk): every
 * move of the attempt is conditional on the send still being due, so what the operator did wins.
 */
describe('a send changed while its attempt waits for the secret box', () => {
  let sim: GreenApiV1Simulator;
  let box: SlowSecretBox;
  let clock: ManualClock;
  let host: Awaited<ReturnType<typeof testHost>>;
  let account: AccountView;

  let dataDir: string;

  beforeEach(async () => {
    sim = new GreenApiV1Simulator({ tokens: [TOKEN] });
    const baseUrl = await sim.start();
    box = new SlowSecretBox();
    clock = new ManualClock();
    dataDir = mkdtempSync(join(tmpdir(), 'outbox-races-'));
    host = await testHost({ clock, secretBox: box, timeoutMs: 2000, dataDir });
    account = value<AccountView>(
      await host.dispatch('accounts.create', {
        name: 'WA',
        baseUrl,
        settings: { provider: 'greenapi', form: 'v1' },
        secrets: { token: TOKEN },
      }),
    );
  });
  afterEach(async () => {
    box.release();
    await host.dispose();
    await sim.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const statusOf = async (id: string) => value<SendSummary>(await host.dispatch('history.get', { id }));

  /**
   * A send scheduled an hour ahead, the app restarted (its tokens not yet opened), and the hour
   * come: its attempt is now held at the secret box.
   */
  async function dueAndHeld(body: string): Promise<SendSummary> {
    const s = value<SendSummary>(
      await host.dispatch('sends.send', { accountId: account.id, message: text(body), scheduledAt: clock.now() + HOUR }),
    );
    await host.close();
    box.hold();
    host = await testHost({ clock, secretBox: box, timeoutMs: 2000, dataDir });
    clock.advance(HOUR);
    await box.reached();
    return s;
  }

  it('cancelled while a scheduled send’s attempt waits: nothing leaves, then or later', async () => {
    const s = await dueAndHeld('запланировано и отменено');
    expect(value<SendSummary>(await host.dispatch('sends.cancel', { id: s.id })).status).toBe('cancelled');
    box.release();
    await vi.waitFor(() => expect(box.held).toBe(0));
    clock.advance(2 * HOUR);
    await new Promise((r) => setTimeout(r, 50));
    expect(sim.server.received).toHaveLength(0);
    expect(await statusOf(s.id)).toMatchObject({ status: 'cancelled', attemptCount: 0 });
  });

  it('replaced while its attempt waits: only the new text leaves, at the new time', async () => {
    const old = await dueAndHeld('старый текст');
    // The edit needs the account's token too: it waits behind the attempt, and is let through first.
    const editing = host.dispatch('sends.send', {
      accountId: account.id,
      message: text('новый текст'),
      scheduledAt: clock.now() + HOUR,
      replaces: old.id,
    });
    await box.reached(2);
    box.releaseNewest();
    const edited = value<SendSummary>(await editing);
    expect((await statusOf(old.id)).status).toBe('cancelled');
    box.release();
    await vi.waitFor(() => expect(box.held).toBe(0));
    await new Promise((r) => setTimeout(r, 50));
    expect(sim.server.received).toHaveLength(0);
    clock.advance(HOUR);
    await vi.waitFor(async () => expect((await statusOf(edited.id)).status).toBe('sent'));
    expect(sim.messages.map((m) => m.body)).toEqual(['новый текст']);
    expect((await statusOf(old.id)).status).toBe('cancelled');
  });

  it('rescheduled while its attempt waits: it leaves at the new time, once', async () => {
    const s = await dueAndHeld('перенесено в последний момент');
    await host.dispatch('sends.reschedule', { id: s.id, at: clock.now() + HOUR });
    box.release();
    await vi.waitFor(() => expect(box.held).toBe(0));
    await new Promise((r) => setTimeout(r, 50));
    expect(sim.server.received).toHaveLength(0);
    expect((await statusOf(s.id)).status).toBe('scheduled');
    clock.advance(HOUR);
    await vi.waitFor(async () => expect((await statusOf(s.id)).status).toBe('sent'));
    expect(sim.messages).toHaveLength(1);
  });

  it('refuses cancel and reschedule while the request is on its way, saying why', async () => {
    sim.server.inject({ delayMs: 400 });
    const sending = host.dispatch('sends.send', { accountId: account.id, message: text('уже в пути') });
    await vi.waitFor(() => expect(sim.server.received).toHaveLength(1));
    const [inFlight] = value<{ items: SendSummary[] }>(await host.dispatch('history.list', { limit: 5 })).items;
    expect(inFlight!.status).toBe('sending');
    expect(await host.dispatch('sends.cancel', { id: inFlight!.id })).toMatchObject({
      ok: false,
      error: { kind: 'conflict', reason: 'in_flight' },
    });
    expect(await host.dispatch('sends.reschedule', { id: inFlight!.id, at: clock.now() + HOUR })).toMatchObject({
      ok: false,
      error: { kind: 'conflict', reason: 'in_flight' },
    });
    expect(value<SendSummary>(await sending).status).toBe('sent');
    expect(sim.messages).toHaveLength(1);
  });
});
