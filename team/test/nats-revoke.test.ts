import { decode } from '@nats-io/jwt';
import { createUser, type KeyPair } from '@nats-io/nkeys';
import { connect, jwtAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TeamLink, TeamSendRow } from '../../electron/team/link.ts';
import { claimAnswerSchema, signInAnswerSchema, type SignInAnswer } from '../protocol/messages.ts';
import { desktopInbox, subjects } from '../protocol/subjects.ts';
import { connectTeamLink } from '../client/nats-link.ts';
import { revocationsOf } from '../src/nats/revocations.ts';
import { createOperator, disableOperator } from '../src/operators.ts';
import { openCluster } from '../src/postgres-cluster.ts';
import { startStack } from '../src/stack.ts';
import { testStack, until } from './stack-fixture.ts';
import { sendRow } from './send-row.ts';

const run = promisify(execFile);

async function signIn(apiUrl: string, login: string, password: string, key: KeyPair = createUser()) {
  const r = await fetch(`${apiUrl}/v1/login`, { method: 'POST', body: JSON.stringify({ login, password, natsKey: key.getPublicKey() }) });
  if (r.status !== 200) throw new Error(`sign-in answered ${r.status}`);
  return { key, answer: signInAnswerSchema.parse(await r.json()) };
}

/** A desktop's connection as the link makes it: its own key, its JWT, its own inbox prefix. */
const connectDesktop = (answer: SignInAnswer, key: KeyPair, inboxPrefix = desktopInbox(answer.operator.id)) =>
  connect({
    servers: answer.nats.url,
    inboxPrefix,
    authenticator: jwtAuthenticator(answer.nats.jwt, key.getSeed()),
    reconnect: false,
  });

/** The permission refusals nats-server sends a connection (they come as status errors, the connection stays). */
function refusals(nc: NatsConnection): string[] {
  const seen: string[] = [];
  void (async () => {
    for await (const st of nc.status()) if (st.type === 'error') seen.push(st.error.message);
  })();
  return seen;
}

const row = (chat = 'pachca|sandbox||discussion 4') => sendRow({ chat, status: 'sent' });

describe('per-operator inboxes and revocation of a disabled operator (real team server)', () => {
  let stack: Awaited<ReturnType<typeof testStack>>;
  const passwords: Record<string, string> = {};
  const links: TeamLink[] = [];
  const open: NatsConnection[] = [];
  const track = (nc: NatsConnection) => (open.push(nc), nc);

  beforeAll(async () => {
    stack = await testStack();
    for (const login of ['anna', 'boris', 'vera', 'gleb']) passwords[login] = await stack.addOperator(login, login, 'support');
  });
  afterAll(async () => {
    for (const l of links) await l.close();
    await Promise.all(open.map((nc) => nc.close().catch(() => {})));
    await stack?.dispose();
  });

  it('a desktop may subscribe under its own inbox prefix only: not another operator’s, not the shared _INBOX', async () => {
    const anna = await signIn(stack.apiUrl, 'anna', passwords.anna!);
    const boris = await signIn(stack.apiUrl, 'boris', passwords.boris!);
    expect(decode<{ sub?: { allow: string[] } }>(anna.answer.nats.jwt).nats.sub?.allow).toEqual([`_INBOX_${anna.answer.operator.id}.>`]);
    const nc = track(await connectDesktop(anna.answer, anna.key));
    const refused = refusals(nc);
    const spying = nc.subscribe(`${desktopInbox(boris.answer.operator.id)}.>`);
    const everyone = nc.subscribe('_INBOX.>');
    await nc.flush();
    await expect
      .poll(() => refused.join('\n'))
      .toContain(`Permissions Violation for Subscription to "_INBOX_${boris.answer.operator.id}.>"`);
    await expect.poll(() => refused.join('\n')).toContain('Permissions Violation for Subscription to "_INBOX.>"');
    // Boris's request is answered on his inbox; Anna's refused subscriptions get nothing of it.
    const bc = track(await connectDesktop(boris.answer, boris.key));
    const reply = await bc.request(
      subjects.service(boris.answer.operator.id, 'claim'),
      JSON.stringify({ chat: 'pachca|1|x', ttlMs: 60_000 }),
      {
        timeout: 10_000,
      },
    );
    expect(claimAnswerSchema.parse(reply.json())).toEqual({ ok: true });
    expect(spying.getReceived() + everyone.getReceived()).toBe(0);
    // A desktop that connects without its prefix cannot even get an answer to its own request.
    const plain = track(await connectDesktop(anna.answer, anna.key, '_INBOX'));
    await expect(plain.request(subjects.service(anna.answer.operator.id, 'claim'), '{}', { timeout: 1_500 })).rejects.toThrow();
    // Its own inbox works: a request is answered.
    const own = await nc.request(
      subjects.service(anna.answer.operator.id, 'claim'),
      JSON.stringify({ chat: 'pachca|1|y', ttlMs: 60_000 }),
      {
        timeout: 10_000,
      },
    );
    expect(claimAnswerSchema.parse(own.json())).toEqual({ ok: true });
  });

  it('the link works end to end under the narrowed permission: send, claim, template, trail, watches', async () => {
    const vera = await connectTeamLink(stack.apiUrl, { login: 'vera', password: passwords.vera! });
    const gleb = await connectTeamLink(stack.apiUrl, { login: 'gleb', password: passwords.gleb! });
    links.push(vera, gleb);
    await until(() => vera.online() && gleb.online(), 'both links online');
    // Send: published with its ack, read back by the colleague's ordered consumer.
    const r = row('pachca|sandbox||discussion 5');
    expect(await vera.pushSend(r)).toEqual({ ok: true });
    await until(() => gleb.view().sends.some((s) => s.id === r.id && s.operatorName === 'vera'), 'Gleb to see Vera’s send');
    expect(await vera.pushSend({ ...r, status: 'delivered', updatedAt: r.updatedAt + 1 })).toEqual({ ok: true });
    // Claim: a service request and its reply; the colleague's claims watch shows it.
    expect(await vera.claim(r.chat, 60_000)).toEqual({ ok: true });
    expect(await gleb.claim(r.chat, 60_000)).toMatchObject({ ok: false, by: 'vera' });
    await until(() => gleb.view().claims.some((c) => c.chat === r.chat && c.operatorName === 'vera'), 'Gleb’s claims watch');
    // Template: saved through the service, seen by the colleague's templates watch.
    expect(await gleb.saveTemplate({ id: 'tpl-rv', name: 'Привет', body: 'Добрый день', baseVersion: 0 })).toEqual({
      ok: true,
      version: 1,
    });
    await until(() => vera.view().templates.some((t) => t.id === 'tpl-rv' && t.body === 'Добрый день'), 'Vera’s templates watch');
    // Trail: read from the stream by the send's id.
    await until(async () => (await gleb.sendTrail(r.id)).map((e) => e.status).join(',') === 'sent,delivered', 'the send’s trail');
    // Presence: a put under its own key, seen by the colleague's presence watch.
    await vera.beat();
    await until(() => gleb.view().presence.some((p) => p.operatorName === 'vera'), 'Gleb’s presence watch');
  });

  it('disable-operator: the disabled operator’s connected desktops are dropped within seconds, cannot come back or refresh; a colleague is unaffected', async () => {
    const annaLink = await connectTeamLink(stack.apiUrl, { login: 'anna', password: passwords.anna! });
    const borisLink = await connectTeamLink(stack.apiUrl, { login: 'boris', password: passwords.boris! });
    links.push(annaLink, borisLink);
    await until(() => annaLink.online() && borisLink.online(), 'both links online');
    const anna = await signIn(stack.apiUrl, 'anna', passwords.anna!);
    const annaConnection = track(await connectDesktop(anna.answer, anna.key));
    const boris = await signIn(stack.apiUrl, 'boris', passwords.boris!);
    const borisConnection = track(await connectDesktop(boris.answer, boris.key));
    const annaEnded = annaConnection.closed();
    const borisEnded = borisConnection.closed().then(() => 'closed');

    // The admin command, in its own process, against the running server's PostgreSQL.
    writeFileSync(join(stack.dataDir, 'ports.json'), JSON.stringify({ pgPort: stack.cluster.port, apiPort: 0, natsPort: 0 }));
    const started = Date.now();
    const { stdout } = await run(
      process.execPath,
      [join(import.meta.dirname, '..', 'scripts', 'team.ts'), 'disable-operator', '--login', 'anna'],
      {
        env: { ...process.env, TEAM_DATA_DIR: stack.dataDir },
      },
    );
    expect(stdout).toContain('"anna" (team "support") is disabled');

    expect(String(await annaEnded)).toMatch(/revoked/i);
    expect(Date.now() - started).toBeLessThan(15_000);
    await until(() => !annaLink.online(), 'Anna’s link to lose its connection', 10_000);
    expect(await annaLink.pushSend(row())).toMatchObject({ ok: false, retry: true });

    // Her JWTs (still unexpired) no longer connect, and neither sign-in nor refresh hands out another.
    await expect(connectDesktop(anna.answer, anna.key)).rejects.toThrow(/authoriz/i);
    const refresh = await fetch(`${stack.apiUrl}/v1/refresh`, {
      method: 'POST',
      body: JSON.stringify({ refreshToken: anna.answer.refreshToken, natsKey: anna.key.getPublicKey() }),
    });
    expect(refresh.status).toBe(401);
    await expect(signIn(stack.apiUrl, 'anna', passwords.anna!)).rejects.toThrow(/401/);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(annaLink.online()).toBe(false);

    // Boris, of the same team, keeps his connections: they publish and his link works.
    expect(await Promise.race([borisEnded, new Promise((r) => setTimeout(() => r('open'), 500))])).toBe('open');
    const claimed = await borisConnection.request(
      subjects.service(boris.answer.operator.id, 'claim'),
      JSON.stringify({ chat: 'pachca|1|after-revoke', ttlMs: 60_000 }),
      { timeout: 10_000 },
    );
    expect(claimAnswerSchema.parse(claimed.json())).toEqual({ ok: true });
    expect(borisLink.online()).toBe(true);
    expect(await borisLink.pushSend(row())).toEqual({ ok: true });

    // Enabled again, she signs in with a new key; the JWT revoked before stays refused.
    const { stdout: enabledOut } = await run(
      process.execPath,
      [join(import.meta.dirname, '..', 'scripts', 'team.ts'), 'enable-operator', '--login', 'anna'],
      { env: { ...process.env, TEAM_DATA_DIR: stack.dataDir } },
    );
    expect(enabledOut).toContain('"anna" (team "support") may sign in again');
    const back = await connectTeamLink(stack.apiUrl, { login: 'anna', password: passwords.anna! });
    links.push(back);
    await until(() => back.online(), 'Anna’s new sign-in online');
    expect(await back.pushSend(row())).toEqual({ ok: true });
    await expect(connectDesktop(anna.answer, anna.key)).rejects.toThrow(/authoriz/i);
  });

  it('a revoked key leaves the account JWT’s revocations once its newest JWT has expired', async () => {
    const live = await revocationsOf(stack.api.sql, 'support');
    expect(Object.keys(live).length).toBeGreaterThan(0);
    expect(await revocationsOf(stack.api.sql, 'support', Date.now() + 16 * 60_000)).toEqual({});
  });
});

describe('an operator disabled while the team server is stopped', () => {
  it('is revoked when the server starts again: the JWT handed out before no longer connects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'team-revoke-stopped-'));
    let stack = await startStack(dir);
    try {
      const password = 'pw-dora-0123456789';
      await createOperator(stack.api.sql, { login: 'dora', name: 'Dora', teamId: 'support', password });
      await createOperator(stack.api.sql, { login: 'emil', name: 'Emil', teamId: 'support', password: 'pw-emil-0123456789' });
      const dora = await signIn(stack.apiUrl, 'dora', password);
      const emil = await signIn(stack.apiUrl, 'emil', 'pw-emil-0123456789');
      await stack.stop();
      // Nobody listens for the notification now: only PostgreSQL knows (its cluster started for the command, as the command would).
      const cluster = openCluster(dir, stack.cluster.port);
      const sql = postgres(cluster.url, { max: 1, onnotice: () => {} });
      try {
        expect(await disableOperator(sql, 'dora')).toMatchObject({ teamId: 'support', revokedKeys: 1 });
      } finally {
        await sql.end({ timeout: 2 });
        cluster.stop();
      }
      stack = await startStack(dir);
      const moved = (a: SignInAnswer) => ({ ...a, nats: { ...a.nats, url: stack.natsUrl } });
      await expect(connectDesktop(moved(dora.answer), dora.key)).rejects.toThrow(/authoriz/i);
      const nc = await connectDesktop(moved(emil.answer), emil.key);
      await nc.flush();
      await nc.close();
    } finally {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
