import { teamPachcaAccount as account } from '../../electron/testing/team-account.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SendSummary } from '../../shared/sends.ts';
import type { PushResult, TeamLink } from '../../electron/team/link.ts';
import { TeamUplink } from '../../electron/team/uplink.ts';
import { keyedSecretBox } from '../../electron/vault/secret-box.ts';
import { openNatsLink } from '../client/link-core.ts';
import { streams } from '../protocol/subjects.ts';
import { plainNats, until } from './plain-nats.ts';
import { plainTeam } from './plain-team.ts';
import { sendRow } from './send-row.ts';

/**
 * nats-server killed while a desktop's publish is on the wire: the server is frozen (SIGSTOP) so the
 * publish is written and never answered, then killed (SIGKILL) and started again, as the supervisor does.
 */
describe('a send on the wire when nats-server is killed', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof plainNats>>;
  let team: Awaited<ReturnType<typeof plainTeam>>;
  const closers: (() => Promise<unknown>)[] = [];
  const logged: string[] = [];

  const link = (id: string): TeamLink => {
    const l = openNatsLink(
      { operator: { id, name: id, teamId: 'support' }, refreshToken: () => `refresh-${id}`, dial: () => server.connect() },
      { log: (m) => logged.push(m) },
    );
    closers.push(() => l.close());
    return l;
  };

  /** Freezes nats-server, lets `onTheWire` write to it, kills it, and starts it again. */
  async function killWhile(onTheWire: () => void | Promise<void>) {
    const pid = server.pid!;
    process.kill(pid, 'SIGSTOP');
    await onTheWire();
    await new Promise((r) => setTimeout(r, 200));
    await server.restart('SIGKILL');
  }

  /** SENDS' message count, asked again while the test's own connection is still coming back. */
  async function messagesAfterRestart() {
    let n = -1;
    await until(async () => (n = await team.messagesIn(streams.sends).catch(() => -1)) >= 0, 'the stream to answer');
    return n;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'server-kill-'));
    server = await plainNats(join(dir, 'nats'));
    const admin = await server.connect();
    closers.push(() => admin.close());
    team = await plainTeam(admin);
  });
  afterAll(async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is answered "unreachable" when the connection goes, before the link is live again, and stored once when pushed again', async () => {
    const anna = link('op_anna');
    await until(() => anna.online(), 'the link to be live');
    const before = await team.messagesIn(streams.sends);
    const row = sendRow();
    let first: PushResult | undefined;
    await killWhile(() => void anna.pushSend(row).then((r) => (first = r)));
    // Without the connection's loss ending it, the publish waits out its whole answer time (20 s) and is still open here.
    await until(() => anna.online(), 'the link to be live again');
    expect(first).toEqual({ ok: false, retry: true, reason: 'unreachable' });

    let again: PushResult = { ok: false, retry: true, reason: 'unreachable' };
    // JetStream may still be recovering the stream for a moment after the restart.
    await until(async () => (again = await anna.pushSend(row)).ok, 'the send to be stored');
    expect(again).toEqual({ ok: true });
    expect(await messagesAfterRestart()).toBe(before + 1);
  });

  it("empties the desktop's journal once the link is live again, without waiting for a retry pause", async () => {
    const summaries = new Map<string, SendSummary>();
    const settings = new Map<string, unknown>();
    const uplink = new TeamUplink({
      journalFile: join(dir, 'journal.sqlite'),
      summaryOf: (id) => summaries.get(id),
      accountOf: () => account,
      settings: { get: (k) => settings.get(k), set: (k, v) => void settings.set(k, v) },
      secretBox: keyedSecretBox(),
      factory: async () => link('op_boris'),
      now: () => Date.now(),
      changed: () => {},
      // An hour: only the link coming back can be what drains it in this test.
      retryPausesMs: [3_600_000],
    });
    closers.push(() => uplink.close());
    await uplink.connect('http://team.test', 'boris', 'password');
    await until(() => uplink.status().online, 'the uplink to be live');

    const at = Date.now();
    const sent: SendSummary = {
      id: `s_boris_${at}`,
      provider: 'pachca',
      accountId: account.id,
      accountName: account.name,
      sandbox: false,
      status: 'sent',
      recipient: 'chat 1',
      to: { kind: 'chat', id: 'chat 1' },
      preview: { kind: 'text', text: 'Добрый день' },
      createdAt: at,
      updatedAt: at,
      attemptCount: 1,
      providerMessageId: 'm1',
    };
    summaries.set(sent.id, sent);
    const before = await team.messagesIn(streams.sends);
    await killWhile(async () => {
      uplink.noteChanged([sent.id]);
      await until(() => uplink.status().pending === 1, 'the send in the journal');
    });

    await until(() => uplink.status().pending === 0, 'the journal to be empty');
    expect(uplink.isSynced(sent.id)).toBe(true);
    expect(await messagesAfterRestart()).toBe(before + 1);
  });
});
