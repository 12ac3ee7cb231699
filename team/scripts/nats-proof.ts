import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';

/**
 * `npm run team:nats-proof` — the fallback, measured before it is built: Debian's nats-server
 * with JetStream on loopback, N desktops (a connection each, an ordered consumer on the team's send
 * stream, claims as compare-and-set on a key-value bucket), the simulation's traffic shape (claim,
 * send, its outcome, release) at a given rate. It prints convergence (publish on one desktop → each
 * other desktop's consumer), duplicates the stream refused by message id, claims granted/refused and
 * CPU per component. A proof, not the product: no PostgreSQL, no sign-in, no offline journal.
 */
const { values } = parseArgs({
  options: {
    operators: { type: 'string', default: '50' },
    'sends-per-operator': { type: 'string', default: '500' },
    minutes: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '60' },
    chats: { type: 'string', default: '300' },
  },
});
const operators = Number(values.operators);
const sendsPerDay = operators * Number(values['sends-per-operator']);
const dayMs = Number(values.minutes) * 60_000;
const runMs = Number(values.seconds) * 1000;
const chats = Number(values.chats);
const meanGapMs = (dayMs / sendsPerDay) * operators;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (s: number[], p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : 0);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

function cpuSecondsOf(pid: number): number {
  // utime + stime, in clock ticks (100 a second on Linux).
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

const store = mkdtempSync(join(tmpdir(), 'nats-proof-'));
const port = await freePort();
const server = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], { stdio: ['ignore', 'ignore', 'pipe'] });
server.on('error', (e) => {
  console.error(`nats-server could not start (${e.message}): it comes from Debian, \`apt-get install nats-server\`.`);
  process.exit(1);
});
let serverLog = '';
server.stderr.on('data', (b: Buffer) => (serverLog = (serverLog + b.toString()).slice(-4000)));
const stop = () => {
  server.kill('SIGTERM');
  rmSync(store, { recursive: true, force: true });
};
process.on('SIGINT', () => {
  stop();
  process.exit(130);
});

async function connectWhenUp(): Promise<NatsConnection> {
  const until = Date.now() + 20_000;
  for (;;) {
    try {
      return await connect({ servers: `127.0.0.1:${port}` });
    } catch (e) {
      if (Date.now() > until) throw new Error(`nats-server did not start: ${String(e)}\n${serverLog}`);
      await sleep(100);
    }
  }
}

try {
  const admin = await connectWhenUp();
  const jsm = await jetstreamManager(admin);
  // The send stream: de-duplication by message id over two minutes, the replay an offline desktop drains.
  await jsm.streams.add({ name: 'TEAM_SENDS', subjects: ['team.sim.send.>'], duplicate_window: 120 * 1e9 });
  await new Kvm(admin).create('claims', { history: 1 });

  interface Desk {
    i: number;
    nc: NatsConnection;
    kv: KV;
    seen: number;
  }
  const lags: number[] = [];
  const publishedAt = new Map<string, { at: number; by: number }>();
  let duplicates = 0;
  let sends = 0;
  const claims = { granted: 0, refused: 0 };
  const desks: Desk[] = [];
  for (let i = 0; i < operators; i++) {
    const nc = await connect({ servers: `127.0.0.1:${port}` });
    const js = jetstream(nc);
    const kv = await new Kvm(nc).open('claims');
    const desk: Desk = { i, nc, kv, seen: 0 };
    const consumer = await js.consumers.get('TEAM_SENDS', { deliver_policy: DeliverPolicy.New });
    const messages = await consumer.consume();
    void (async () => {
      for await (const m of messages) {
        desk.seen++;
        const p = publishedAt.get(m.subject.split('.').at(-1)!);
        if (p && p.by !== i && m.headers?.get('Nats-Msg-Id')?.endsWith('@sending')) lags.push(Date.now() - p.at);
      }
    })();
    desks.push(desk);
  }
  console.log(
    `${operators} desktops connected; ${(dayMs / 60_000).toFixed(0)}-minute day → ${((sendsPerDay / dayMs) * 1000).toFixed(1)} sends/s, run ${runMs / 1000} s`,
  );

  const cpu0 = { server: cpuSecondsOf(server.pid!), desktops: process.cpuUsage() };
  const t0 = Date.now();
  const end = t0 + runMs;
  async function operator(d: Desk) {
    const js = jetstream(d.nc);
    let n = 0;
    while (Date.now() < end) {
      await sleep(-Math.log(1 - Math.random()) * meanGapMs);
      if (Date.now() >= end) break;
      const chat = Math.random() < 0.2 ? Math.floor(Math.random() * 10) : 10 + Math.floor(Math.random() * (chats - 10));
      const key = `chat_${chat}`;
      // The claim: create, or take over an expired one at the revision read — the bucket refuses a stale write.
      let rev: number | undefined;
      try {
        rev = await d.kv.create(key, JSON.stringify({ op: d.i, until: Date.now() + 7_200_000 }));
      } catch {
        const e = await d.kv.get(key);
        const held = e && e.operation === 'PUT' ? (e.json<{ op: number; until: number }>() ?? undefined) : undefined;
        if (e && (!held || held.op === d.i || held.until < Date.now())) {
          try {
            rev = await d.kv.update(key, JSON.stringify({ op: d.i, until: Date.now() + 7_200_000 }), e.revision);
          } catch {
            rev = undefined;
          }
        }
      }
      if (rev === undefined) {
        claims.refused++;
        continue;
      }
      claims.granted++;
      const id = `s${d.i}x${n++}x${randomUUID().slice(0, 8)}`;
      const summary = (status: string) => JSON.stringify({ id, operator: d.i, chat, status, preview: `Ответ ${n}`, at: Date.now() });
      publishedAt.set(id, { at: Date.now(), by: d.i });
      sends++;
      const a = await js.publish(`team.sim.send.${id}`, summary('sending'), { msgID: `${id}@sending` });
      if (a.duplicate) duplicates++;
      await sleep(20 + Math.random() * 200);
      await js.publish(`team.sim.send.${id}`, summary('sent'), { msgID: `${id}@sent` });
      // A replay of the same write (what a reconnecting desktop does) is refused by message id.
      if (Math.random() < 0.05) {
        const again = await js.publish(`team.sim.send.${id}`, summary('sent'), { msgID: `${id}@sent` });
        if (!again.duplicate) duplicates++;
      }
      await d.kv.delete(key, { previousSeq: rev }).catch(() => {});
    }
  }
  await Promise.all(desks.map(operator));
  await sleep(2000);
  const wall = (Date.now() - t0) / 1000;
  const own = process.cpuUsage(cpu0.desktops);
  const serverCpu = cpuSecondsOf(server.pid!) - cpu0.server;
  lags.sort((a, b) => a - b);
  const expectedPairs = sends * (operators - 1);
  console.log(
    [
      `sends made: ${sends} (${(sends / (runMs / 1000)).toFixed(1)}/s, planned ${((sendsPerDay / dayMs) * 1000).toFixed(1)}/s)`,
      `convergence p50 / p95 / p99 / max: ${pct(lags, 50)} / ${pct(lags, 95)} / ${pct(lags, 99)} / ${lags.at(-1) ?? 0} ms over ${lags.length} of ${expectedPairs} (send, desktop) pairs`,
      `claims granted / refused: ${claims.granted} / ${claims.refused}`,
      `replayed writes not refused by message id (duplicates): ${duplicates}`,
      `CPU, % of one core over ${wall.toFixed(0)} s: nats-server ${((serverCpu / wall) * 100).toFixed(0)} %, the ${operators} desktops (one process) ${(((own.user + own.system) / 1e6 / wall) * 100).toFixed(0)} %`,
      `CPU seconds per 100 sends: nats-server ${((serverCpu / sends) * 100).toFixed(2)}, desktops ${(((own.user + own.system) / 1e6 / sends) * 100).toFixed(2)}`,
    ].join('\n'),
  );
  for (const d of desks) await d.nc.close();
  await admin.close();
} finally {
  stop();
}
