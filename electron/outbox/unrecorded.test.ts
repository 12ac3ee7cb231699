import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { ManualClock } from '../clock.ts';
import { GreenApiV1Simulator } from '../sandbox/green-api-v1.ts';
import { testHost, value } from '../testing/host-fixture.ts';

const TOKEN = 'gr.unrecorded-token-9a9a';
type TestHost = Awaited<ReturnType<typeof testHost>>;

// Long enough that recording the exchange needs pages the database does not have yet.
const long = (tag: string) => ({
  provider: 'greenapi' as const,
  recipientType: 'individual' as const,
  to: '79001234567',
  text: `${tag} ${'Длинное сообщение о заказе. '.repeat(140)}`.slice(0, 4000),
});

/** Another process that takes the history's write lock and keeps it until killed. */
async function lockFromAnotherProcess(file: string): Promise<ChildProcess> {
  const script = `
    const { DatabaseSync } = require('node:sqlite');
    const db = new DatabaseSync(process.argv[1]);
    db.exec('PRAGMA busy_timeout = 5000; BEGIN IMMEDIATE');
    db.exec("INSERT INTO state (key, value) VALUES ('held', '1') ON CONFLICT(key) DO UPDATE SET value = '2'");
    console.log('LOCKED');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('LOCKED') && resolve());
    child.on('exit', (code) => reject(new Error(`locker exited ${code}`)));
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

describe('an outcome the history cannot write', () => {
  const sim = new GreenApiV1Simulator({ tokens: [TOKEN] });
  let baseUrl: string;
  beforeAll(async () => {
    baseUrl = await sim.start();
  });
  afterAll(() => sim.stop());
  beforeEach(() => sim.server.clearFaults());

  async function withAccount(host: TestHost): Promise<AccountView> {
    return (
      value<AccountView[]>(await host.dispatch('accounts.list', undefined))[0] ??
      value<AccountView>(
        await host.dispatch('accounts.create', {
          name: 'WA',
          baseUrl,
          settings: { provider: 'greenapi', form: 'v1' },
          secrets: { token: TOKEN },
        }),
      )
    );
  }

  it('on a full disk after the answer: shown as sent, not yet recorded, and recorded on the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'unrecorded-full-'));
    let db: DatabaseSync | undefined;
    const host = await testHost({
      dataDir,
      clock: new ManualClock(),
      historyConnection: (c) => (db = c),
      // The disk fills up while the provider is answering: the database may not grow by a page.
      killPoint: (point) => {
        if (point !== 'after_answer') return;
        const { page_count } = db!.prepare('PRAGMA page_count').get() as { page_count: number };
        db!.exec(`PRAGMA max_page_count = ${page_count}`);
      },
    });
    const account = await withAccount(host);
    const before = sim.messages.length;

    const s = value<SendSummary>(await host.dispatch('sends.send', { accountId: account.id, message: long('[полный диск]') }));
    expect(s).toMatchObject({ status: 'sent', unrecorded: { cause: 'disk_full' } });
    expect(s.providerMessageId).toBeTruthy();
    expect(value<SendSummary>(await host.dispatch('history.get', { id: s.id }))).toMatchObject({
      status: 'sent',
      unrecorded: { cause: 'disk_full' },
    });
    expect(existsSync(join(dataDir, 'history.sqlite.outcomes'))).toBe(true);
    expect(host.log.lines).toContainEqual({
      level: 'error',
      event: 'outbox.outcome_not_recorded',
      detail: { id: s.id, status: 'sent', cause: 'disk_full' },
    });
    // What the database itself holds: the send still on its way.
    expect(host.history.getSummary(s.id)!.status).toBe('sending');
    await host.close();

    const again = await testHost({ dataDir, clock: new ManualClock() });
    const after = value<SendSummary>(await again.dispatch('history.get', { id: s.id }));
    expect(after).toMatchObject({ status: 'sent', providerMessageId: s.providerMessageId });
    expect(after.unrecorded).toBeUndefined();
    expect(after.error).toBeUndefined();
    expect(existsSync(join(dataDir, 'history.sqlite.outcomes'))).toBe(false);
    expect(sim.messages.length - before).toBe(1);
    await again.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('under another process’s lock: names the holder, keeps the outcome, and records it once the lock is gone', async () => {
    const clock = new ManualClock();
    const host = await testHost({ clock });
    const account = await withAccount(host);
    const file = join(host.dataDir, 'history.sqlite');
    sim.server.inject({ delayMs: 1500 });
    const sending = host.dispatch('sends.send', { accountId: account.id, message: long('[чужая блокировка]') });
    await vi.waitFor(() => expect(sim.server.received.at(-1)?.body.toString()).toContain('[чужая блокировка]'));
    const locker = await lockFromAnotherProcess(file);
    let s: SendSummary;
    try {
      s = value<SendSummary>(await sending);
      expect(s).toMatchObject({ status: 'sent', unrecorded: { cause: 'locked', holder: `node (pid ${locker.pid})` } });
      expect(host.log.lines).toContainEqual({
        level: 'error',
        event: 'outbox.outcome_not_recorded',
        detail: { id: s.id, status: 'sent', cause: 'locked', holder: `node (pid ${locker.pid})` },
      });
    } finally {
      await stop(locker);
    }
    clock.advance(1000);
    await vi.waitFor(async () => expect(value<SendSummary>(await host.dispatch('history.get', { id: s.id })).unrecorded).toBeUndefined());
    expect(host.history.getSummary(s.id)).toMatchObject({ status: 'sent', providerMessageId: s.providerMessageId });
    expect(existsSync(`${file}.outcomes`)).toBe(false);
    await host.dispose();
  });

  it('under another process’s lock before anything left: refuses the send, naming the holder, and sends nothing', async () => {
    const host = await testHost({ clock: new ManualClock() });
    const account = await withAccount(host);
    const locker = await lockFromAnotherProcess(join(host.dataDir, 'history.sqlite'));
    try {
      const received = sim.server.received.length;
      const r = await host.dispatch('sends.send', { accountId: account.id, message: long('[не ушло]') });
      expect(r).toMatchObject({ ok: false, error: { reason: 'history_locked', holder: `node (pid ${locker.pid})` } });
      expect(sim.server.received.length).toBe(received);
    } finally {
      await stop(locker);
    }
    await host.dispose();
  });
});
