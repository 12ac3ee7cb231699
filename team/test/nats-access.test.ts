import { decode } from '@nats-io/jwt';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { createUser, type KeyPair } from '@nats-io/nkeys';
import { connect, jwtAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimAnswerSchema, operatorValueSchema, signInAnswerSchema, type SignInAnswer } from '../protocol/messages.ts';
import { buckets, desktopInbox, streams, subjects } from '../protocol/subjects.ts';
import { exposure } from '../src/exposure.ts';
import { projectionConsumer } from '../src/service/projection.ts';
import { desktopUserJwt } from '../src/nats/jwts.ts';
import { keysDir } from '../src/nats/keys.ts';
import { natsPaths } from '../src/nats/server-config.ts';
import { serverLog } from '../src/nats/server-log.ts';
import { createOperator } from '../src/operators.ts';
import { startStack, type Stack } from '../src/stack.ts';

/** A desktop's side of sign-in: its own key pair, the public half sent with the password. */
async function signIn(stack: Stack, login: string, password: string, key: KeyPair = createUser()) {
  const r = await fetch(`${stack.apiUrl}/v1/login`, {
    method: 'POST',
    body: JSON.stringify({ login, password, natsKey: key.getPublicKey() }),
  });
  if (r.status !== 200) throw new Error(`sign-in answered ${r.status}`);
  return { key, answer: signInAnswerSchema.parse(await r.json()) };
}

const connectDesktop = (answer: SignInAnswer, key: KeyPair, opts: { reconnect?: boolean } = {}) =>
  connect({
    servers: answer.nats.url,
    inboxPrefix: desktopInbox(answer.operator.id),
    authenticator: jwtAuthenticator(answer.nats.jwt, key.getSeed()),
    reconnect: opts.reconnect ?? false,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 200,
  });

/** The server's own connection to a team's account (the team service's), to look at what the server holds. */
function serverSide(stack: Stack, teamId: string) {
  const nc = stack.teams.connection(teamId);
  if (!nc) throw new Error(`team ${teamId} is not set up`);
  return nc;
}

async function messagesIn(nc: NatsConnection, subject: string): Promise<number> {
  const info = await (await jetstreamManager(nc)).streams.info(streams.sends, { subjects_filter: subject });
  return Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
}

describe('NATS access: each team its own account, each desktop its own key and permissions', () => {
  let dir: string;
  let stack: Stack;
  const passwords = { anna: 'pw-anna-0123456789', boris: 'pw-boris-0123456789', carl: 'pw-carl-0123456789' };
  const ids: Record<string, string> = {};
  const open: NatsConnection[] = [];
  const track = (nc: NatsConnection) => (open.push(nc), nc);
  /** What the team server says, kept: the records these tests publish are not send records, and it says so. */
  const logged: string[] = [];
  const log = (m: string) => logged.push(m);
  const skipped = (team: string, seq: number, subject: string) =>
    `[team ${team}] SENDS #${seq} on ${subject} is not a send record: skipped`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'team-nats-access-'));
    stack = await startStack(dir, { log });
    ids.anna = (await createOperator(stack.api.sql, { login: 'anna', name: 'Anna', teamId: 'support', password: passwords.anna })).id;
    ids.boris = (await createOperator(stack.api.sql, { login: 'boris', name: 'Boris', teamId: 'support', password: passwords.boris })).id;
    ids.carl = (await createOperator(stack.api.sql, { login: 'carl', name: 'Carl', teamId: 'sales', password: passwords.carl })).id;
  });
  afterAll(async () => {
    await Promise.all(open.map((nc) => nc.close().catch(() => {})));
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a sign-in hands out a JWT for the desktop’s own key that connects, in the team’s account, expiring with the token', async () => {
    const { key, answer } = await signIn(stack, 'anna', passwords.anna);
    expect(answer.nats.url).toBe(stack.natsUrl);
    const claims = decode<{ pub: { allow: string[] } }>(answer.nats.jwt);
    expect(claims.sub).toBe(key.getPublicKey());
    expect(claims.iss).toBe(stack.keys.team('support').getPublicKey());
    expect(claims.exp).toBe(Math.floor(answer.expiresAt / 1000));
    const nc = track(await connectDesktop(answer, key));
    await nc.flush();
    expect(nc.isClosed()).toBe(false);
  });

  it('an operator publishes under their own id; a forged publish under another’s, or a write to the claims bucket, is refused', async () => {
    const { key, answer } = await signIn(stack, 'anna', passwords.anna);
    const service = serverSide(stack, 'support');
    const nc = track(await connectDesktop(answer, key));
    const refused: string[] = [];
    void (async () => {
      for await (const st of nc.status()) if (st.type === 'error') refused.push(st.error.message);
    })();
    const js = jetstream(nc);
    const own = await js.publish(subjects.send(ids.anna!, 's1'), '{}', { msgID: 's1@1:sent' });
    expect(own.stream).toBe(streams.sends);
    await expect.poll(() => logged).toContain(skipped('support', 1, subjects.send(ids.anna!, 's1')));
    await expect(js.publish(subjects.send(ids.boris!, 's2'), '{}', { timeout: 1500 })).rejects.toThrow();
    expect(await messagesIn(service, subjects.send(ids.boris!, 's2'))).toBe(0);
    const claims = await new Kvm(nc).open(buckets.claims);
    await expect(claims.put('chat', JSON.stringify({ forged: true }), { timeout: 1500 })).rejects.toThrow();
    expect(await (await new Kvm(service).open(buckets.claims)).get('chat')).toBeNull();
    expect(refused.join('\n')).toContain(`Permissions Violation for Publish to "${subjects.send(ids.boris!, 's2')}"`);
    expect(refused.join('\n')).toContain('Permissions Violation for Publish to "$KV.claims.chat"');
    // A refused publish is an answer, not the end of the connection.
    expect(nc.isClosed()).toBe(false);
  });

  it('a desktop can neither pull from the service’s projection consumer nor delete it', async () => {
    const { key, answer } = await signIn(stack, 'anna', passwords.anna);
    const nc = track(await connectDesktop(answer, key));
    const refused: string[] = [];
    void (async () => {
      for await (const st of nc.status()) if (st.type === 'error') refused.push(st.error.message);
    })();
    const pull = `$JS.API.CONSUMER.MSG.NEXT.${streams.sends}.${projectionConsumer}`;
    const remove = `$JS.API.CONSUMER.DELETE.${streams.sends}.${projectionConsumer}`;
    await expect(nc.request(pull, JSON.stringify({ batch: 10, expires: 500_000_000 }), { timeout: 1500 })).rejects.toThrow();
    await expect(nc.request(remove, '', { timeout: 1500 })).rejects.toThrow();
    await expect.poll(() => refused.join('\n')).toContain(`Permissions Violation for Publish to "${pull}"`);
    expect(refused.join('\n')).toContain(`Permissions Violation for Publish to "${remove}"`);
    const info = await (await jetstreamManager(serverSide(stack, 'support'))).consumers.info(streams.sends, projectionConsumer);
    expect(info.name).toBe(projectionConsumer);
  });

  it('an operator of one team sees nothing of another team: a different account, other streams', async () => {
    // Carl is the first of his team to sign in: that sets the team's account up.
    const carl = await signIn(stack, 'carl', passwords.carl);
    const sales = serverSide(stack, 'sales');
    const cc = track(await connectDesktop(carl.answer, carl.key));
    await jetstream(cc).publish(subjects.send(ids.carl!, 'c1'), '{}', { msgID: 'c1@1:sent' });

    const anna = await signIn(stack, 'anna', passwords.anna);
    expect(decode(anna.answer.nats.jwt).iss).not.toBe(decode(carl.answer.nats.jwt).iss);
    const ac = track(await connectDesktop(anna.answer, anna.key));
    const consumer = await jetstream(ac).consumers.get(streams.sends);
    const seen: string[] = [];
    for (let m = await consumer.next({ expires: 1000 }); m; m = await consumer.next({ expires: 1000 })) seen.push(m.subject);
    expect(seen).not.toContain(subjects.send(ids.carl!, 'c1'));
    expect(await messagesIn(sales, subjects.send(ids.carl!, 'c1'))).toBe(1);
    await expect.poll(() => logged).toContain(skipped('sales', 1, subjects.send(ids.carl!, 'c1')));
  });

  it('a sign-in names the operator in the team’s operators bucket, and the team’s service answers the desktop', async () => {
    const { key, answer } = await signIn(stack, 'boris', passwords.boris);
    const operators = await new Kvm(serverSide(stack, 'support')).open(buckets.operators);
    expect(operatorValueSchema.parse((await operators.get(ids.boris!))?.json())).toEqual({ name: 'Boris' });
    const nc = track(await connectDesktop(answer, key));
    const reply = await nc.request(subjects.service(ids.boris!, 'claim'), JSON.stringify({ chat: 'pachca|1|chat-7', ttlMs: 60_000 }), {
      timeout: 10_000,
    });
    expect(claimAnswerSchema.parse(reply.json())).toEqual({ ok: true });
  });

  it('an expired JWT is refused', async () => {
    const key = createUser();
    const jwt = await desktopUserJwt(stack.keys, {
      teamId: 'support',
      operatorId: ids.anna!,
      publicKey: key.getPublicKey(),
      expiresAt: Date.now() - 60_000,
    });
    await expect(
      connect({ servers: stack.natsUrl, authenticator: jwtAuthenticator(jwt, key.getSeed()), reconnect: false }),
    ).rejects.toThrow(/authoriz|expired/i);
  });

  it('a connected desktop whose JWT expires is disconnected by the server', async () => {
    const key = createUser();
    const jwt = await desktopUserJwt(stack.keys, {
      teamId: 'support',
      operatorId: ids.anna!,
      publicKey: key.getPublicKey(),
      expiresAt: Date.now() + 2_000,
    });
    const nc = track(await connect({ servers: stack.natsUrl, authenticator: jwtAuthenticator(jwt, key.getSeed()), reconnect: false }));
    const ended = await nc.closed();
    expect(String(ended)).toMatch(/expired/i);
  });

  it('a JWT for one key is of no use with another key', async () => {
    const { answer } = await signIn(stack, 'anna', passwords.anna);
    const thief = createUser();
    await expect(
      connect({ servers: stack.natsUrl, authenticator: jwtAuthenticator(answer.nats.jwt, thief.getSeed()), reconnect: false }),
    ).rejects.toThrow(/authoriz/i);
  });

  it('a wrong password and a forged refresh token get 401; a real refresh hands out a new JWT', async () => {
    const wrong = await fetch(`${stack.apiUrl}/v1/login`, {
      method: 'POST',
      body: JSON.stringify({ login: 'anna', password: 'not-her-password', natsKey: createUser().getPublicKey() }),
    });
    expect(wrong.status).toBe(401);
    const { key, answer } = await signIn(stack, 'anna', passwords.anna);
    const [body] = answer.refreshToken.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), team: 'sales' })).toString(
      'base64url',
    );
    const forged = await fetch(`${stack.apiUrl}/v1/refresh`, {
      method: 'POST',
      body: JSON.stringify({ refreshToken: `${forgedBody}.${answer.refreshToken.split('.')[1]}`, natsKey: key.getPublicKey() }),
    });
    expect(forged.status).toBe(401);
    const real = await fetch(`${stack.apiUrl}/v1/refresh`, {
      method: 'POST',
      body: JSON.stringify({ refreshToken: answer.refreshToken, natsKey: key.getPublicKey() }),
    });
    expect(real.status).toBe(200);
    const refreshed = signInAnswerSchema.parse(await real.json());
    expect(decode(refreshed.nats.jwt).sub).toBe(key.getPublicKey());
  });

  it('a sign-in without the desktop’s NATS key is refused as invalid', async () => {
    const r = await fetch(`${stack.apiUrl}/v1/login`, {
      method: 'POST',
      body: JSON.stringify({ login: 'anna', password: passwords.anna }),
    });
    expect(r.status).toBe(400);
  });

  it('nats-server’s log is in the data directory', () => {
    expect(readFileSync(natsPaths(dir).log, 'utf8')).toContain('Server is ready');
  });

  it('keys are files only the server’s user can read', () => {
    for (const name of ['operator.nk', 'system-account.nk', 'team-support.nk'])
      expect(statSync(join(keysDir(dir), name)).mode & 0o777).toBe(0o600);
  });

  it('nats-server killed: started again on the same address, the team’s account still there, the desktop back by itself', async () => {
    const { key, answer } = await signIn(stack, 'anna', passwords.anna);
    const nc = track(await connectDesktop(answer, key, { reconnect: true }));
    const back = (async () => {
      for await (const st of nc.status()) if (st.type === 'reconnect') return;
    })();
    const before = stack.natsRestarts;
    const killed = stack.nats.process;
    killed.child.kill('SIGKILL');
    await expect.poll(() => stack.nats.process !== killed, { timeout: 10_000 }).toBe(true);
    await stack.nats.process.ready;
    expect(stack.natsRestarts).toBe(before + 1);
    await back;
    // Nothing pushed the account again: it came back from the resolver's directory.
    const ack = await jetstream(nc).publish(subjects.send(ids.anna!, 's-after-kill'), '{}', {
      msgID: 's-after-kill@1:sent',
      timeout: 10_000,
    });
    expect(ack.stream).toBe(streams.sends);
    await expect.poll(() => logged, { timeout: 10_000 }).toContain(skipped('support', 2, subjects.send(ids.anna!, 's-after-kill')));
  });

  it('a restart of the whole stack keeps the keys: a JWT handed out before still connects, and sign-in still works', async () => {
    const { key, answer } = await signIn(stack, 'boris', passwords.boris);
    const teamKey = stack.keys.team('support').getPublicKey();
    await Promise.all(open.splice(0).map((nc) => nc.close().catch(() => {})));
    await stack.stop();
    stack = await startStack(dir, { log });
    expect(stack.keys.team('support').getPublicKey()).toBe(teamKey);
    const nc = track(await connectDesktop({ ...answer, nats: { ...answer.nats, url: stack.natsUrl } }, key));
    const ack = await jetstream(nc).publish(subjects.send(ids.boris!, 'b-after-restart'), '{}', { msgID: 'b1', timeout: 10_000 });
    expect(ack.stream).toBe(streams.sends);
    const again = await signIn(stack, 'boris', passwords.boris);
    expect(decode(again.answer.nats.jwt).iss).toBe(teamKey);
    // Across every test of this stack, the server said that much and nothing else.
    await expect.poll(() => logged).toContain(skipped('support', 3, subjects.send(ids.boris!, 'b-after-restart')));
    expect(logged).toEqual([
      skipped('support', 1, subjects.send(ids.anna!, 's1')),
      skipped('sales', 1, subjects.send(ids.carl!, 'c1')),
      skipped('support', 2, subjects.send(ids.anna!, 's-after-kill')),
      skipped('support', 3, subjects.send(ids.boris!, 'b-after-restart')),
    ]);
  });
});

describe('nats-server itself', () => {
  it('its log is kept in two files at most, the older one replaced when the current one is full', () => {
    const dir = mkdtempSync(join(tmpdir(), 'team-nats-log-'));
    try {
      const file = join(dir, 'nats-server.log');
      const log = serverLog(file, 100);
      for (let i = 0; i < 7; i++) log.write(Buffer.from(`line ${i} ${'x'.repeat(30)}\n`));
      log.close();
      expect(readFileSync(`${file}.1`, 'utf8')).toContain('line 5');
      expect(readFileSync(`${file}.1`, 'utf8')).not.toContain('line 0');
      expect(readFileSync(file, 'utf8')).toBe(`line 6 ${'x'.repeat(30)}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a missing nats-server is said in words, and nothing the start began is left running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'team-no-nats-'));
    const before = process.env.TEAM_NATS_SERVER;
    process.env.TEAM_NATS_SERVER = join(dir, 'no-such-nats-server');
    try {
      await expect(startStack(dir)).rejects.toThrow(/no-such-nats-server, which does not exist/);
      expect(existsSync(join(dir, 'pg', 'postmaster.pid'))).toBe(false);
    } finally {
      if (before === undefined) delete process.env.TEAM_NATS_SERVER;
      else process.env.TEAM_NATS_SERVER = before;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('outside loopback only with TLS', () => {
  it('refuses another address without a certificate, and a certificate without its key', () => {
    expect(() => exposure({ host: '0.0.0.0' })).toThrow(/will not listen on 0\.0\.0\.0 without TLS/);
    expect(() => exposure({ host: '192.0.2.10', certFile: '/nonexistent.pem' })).toThrow(/both a certificate and its key/);
  });

  it('with a certificate: the API answers over HTTPS, NATS requires TLS, and a desktop that trusts it signs in and connects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'team-nats-tls-'));
    // Its own directory: PostgreSQL (run as its own user when the tests run as root) must reach it.
    const dataDir = mkdtempSync(join(tmpdir(), 'team-nats-tls-data-'));
    const certFile = join(dir, 'cert.pem');
    const keyFile = join(dir, 'key.pem');
    execFileSync(
      '/usr/bin/openssl',
      [
        ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'],
        ...['-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keyFile, '-out', certFile],
      ],
      { stdio: 'ignore' },
    );
    const ca = readFileSync(certFile, 'utf8');
    const stack = await startStack(dataDir, {
      exposure: exposure({ host: '127.0.0.1', publicHost: 'localhost', certFile, keyFile }),
    });
    const open: NatsConnection[] = [];
    try {
      expect(stack.apiUrl).toMatch(/^https:\/\/localhost:\d+$/);
      expect(stack.natsUrl).toMatch(/^tls:\/\/localhost:\d+$/);
      await createOperator(stack.api.sql, { login: 'dana', name: 'Dana', teamId: 'support', password: 'pw-dana-0123456789' });
      const key = createUser();
      const answer = signInAnswerSchema.parse(
        await postOverHttps(`${stack.apiUrl}/v1/login`, { login: 'dana', password: 'pw-dana-0123456789', natsKey: key.getPublicKey() }, ca),
      );
      const nc = await connect({
        servers: answer.nats.url,
        tls: { ca },
        authenticator: jwtAuthenticator(answer.nats.jwt, key.getSeed()),
        reconnect: false,
      });
      open.push(nc);
      await nc.flush();
      // A desktop that does not trust the certificate gets no connection, even with a valid JWT.
      await expect(
        connect({ servers: answer.nats.url, authenticator: jwtAuthenticator(answer.nats.jwt, key.getSeed()), reconnect: false }),
      ).rejects.toThrow(/certificate/i);
    } finally {
      await Promise.all(open.map((nc) => nc.close()));
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** A POST over HTTPS trusting one certificate (fetch cannot be given a CA). */
function postOverHttps(url: string, body: unknown, ca: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: 'POST', ca, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`${res.statusCode}: ${text}`))));
    });
    req.once('error', reject);
    req.end(JSON.stringify(body));
  });
}
