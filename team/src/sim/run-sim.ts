import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { z } from 'zod';
import type { AccountView } from '../../../shared/accounts.ts';
import type { SendSummary } from '../../../shared/sends.ts';
import { chatKeyOf, teamIdentityOf } from '../../../electron/team/identity.ts';
import { TeamUplink } from '../../../electron/team/uplink.ts';
import { keyedSecretBox } from '../../../electron/vault/secret-box.ts';
import { connectTeamLink, natsLinkFactory } from '../../client/nats-link.ts';
import { stopNatsServerIfRunning } from '../nats/server-process.ts';
import { createOperator } from '../operators.ts';
import { clusterUrl, restartCluster, stopClusterIfRunning } from '../postgres-cluster.ts';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';
import { invariantsOf, type MadeSend } from './invariants.ts';
import { commandOf, treeOf, watchComponents, type ComponentStats } from './proc-stats.ts';
import { readProjection, readServerRecord } from './server-record.ts';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * The team simulation: a real team server (its own process: PostgreSQL, nats-server, the API with
 * the team service) and N simulated desktops, each the desktop's real uplink (journal + NATS link)
 * over an in-memory history. One working day is compressed into `minutes`; operators share hot
 * chats, claim before answering, edit one hot template, go offline; nats-server is killed and
 * PostgreSQL restarted.
 */
export interface SimOptions {
  operators: number;
  sendsPerDay: number;
  minutes: number;
  /** Share of operators that go offline once during the day (30 s … 30 min of the day). */
  offlineShare: number;
  /** nats-server killed with SIGKILL (the team server starts it again). */
  killNats: boolean;
  restartPostgres: boolean;
  /** A dropped and a stalled connection for the desktops behind the fault relay. */
  connectionFaults: boolean;
  /** How long the stalled connection carries nothing (wall time). */
  stallMs: number;
  chats: number;
  /** Edits of the hot template in the day (200 unless told; a run at a fraction of the full load gives the same fraction). */
  templateEditsPerDay?: number;
  log?: (line: string) => void;
}

export interface SimResults {
  options: SimOptions;
  sends: number;
  convergence: { samples: number; p50: number; p95: number; p99: number; max: number };
  /**
   * How late the desktops' shared event loop ran its callbacks (p50 / p99 / max, ms): the simulated
   * desktops live in one Node process, so a delivery waits behind the others' work, which a real desktop,
   * alone on its machine, does not. Part of every convergence sample.
   */
  desktopsLoopDelay: { p50: number; p99: number; max: number };
  drains: {
    count: number;
    backlogMax: number;
    p50: number;
    max: number;
    longestOfflineDayMinutes: number;
    backlogOfLongest: number;
    drainOfLongest: number;
  };
  claims: { granted: number; refused: number; soft: number; softRefused: number; onlineDoubleClaims: number };
  templates: { edits: number; conflictsAsked: number; lostEdits: number; gaveUp: number };
  duplicatedSends: number;
  missingSends: number;
  /** Sends whose newest record on the server is not the status they ended in. */
  staleSends: number;
  /** Sends PostgreSQL's projection of the stream lacks (or holds at an older status). */
  missingInProjection: number;
  /** (send, desktop) pairs where a desktop never showed the send (checked when the day's sends fit the view). */
  unseen: number;
  /** The dropped and the stalled connection, per desktop behind the relay. */
  connectionFaults: ConnectionFault[];
  /**
   * nats-server killed / PostgreSQL restarted: until every desktop was live again and every journal
   * empty; for PostgreSQL also until its projection held every send made before the restart.
   */
  restarts: Restart[];
  events: string[];
  components: Record<string, ComponentStats>;
  wallSeconds: number;
  loadAverage: number[];
}

export interface Restart {
  what: string;
  allLiveMs: number;
  drainedMs: number;
  projectedMs?: number;
}

export interface ConnectionFault {
  kind: 'dropped' | 'stalled';
  /** From the fault to the desktop knowing it is offline. */
  detectedMs: number;
  /** From the network working again to the desktop being live. */
  reconnectedMs: number;
  /** Rows the desktop's journal held when the network worked again, and how long they took to drain. */
  backlog: number;
  drainedMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;
const dayMs = 24 * 3_600_000;

const teamAccount: AccountView = {
  id: 'a_team_pachca',
  name: 'Pachca',
  provider: 'pachca',
  baseUrl: 'https://api.pachca.com/api/shared/v1',
  settings: { provider: 'pachca', isBot: true },
  secretState: { token: { set: true, mask: '••••' } },
  isDefault: true,
  sandbox: false,
  plaintextSecrets: false,
  createdAt: 0,
};

function memorySettings() {
  const m = new Map<string, unknown>();
  return { get: (k: string) => m.get(k), set: (k: string, v: unknown) => void m.set(k, v) };
}

interface Server {
  child: ChildProcess;
  apiUrl: string;
  /** Where nats-server listens (the fault relay's target). */
  nats: { host: string; port: number };
  dataDir: string;
  pgPort: number;
  stop(): Promise<void>;
}

/** `npm run team` in a child process with its own data directory, so its CPU and memory are its own. */
async function startServer(dataDir: string, log: (l: string) => void, spawned: (child: ChildProcess) => void): Promise<Server> {
  // Its stdin is a pipe from this process: if this process dies without stopping it (SIGKILL), the pipe
  // closes and the server stops itself, PostgreSQL and nats-server (TEAM_STOP_WITH_PARENT).
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'scripts', 'team.ts'), 'start'], {
    env: { ...process.env, TEAM_DATA_DIR: dataDir, TEAM_STOP_WITH_PARENT: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  spawned(child);
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  const serverLog = process.env.TEAM_SIM_SERVER_LOG;
  if (serverLog) child.stdout?.on('data', (b: Buffer) => appendFileSync(serverLog, b));
  child.stderr?.on('data', (b: Buffer) => {
    if (serverLog) appendFileSync(serverLog, b);
    const t = b.toString();
    if (/error/i.test(t)) log(`[server] ${t.trim().slice(0, 300)}`);
  });
  const until = Date.now() + 300_000;
  while (!/API \+ sign-in : (\S+)/.test(out)) {
    if (child.exitCode !== null) throw new Error(`the team server exited:\n${out}`);
    if (Date.now() > until) throw new Error(`the team server did not start:\n${out}`);
    await sleep(200);
  }
  const apiUrl = /API \+ sign-in : (\S+)/.exec(out)![1]!;
  const ports = z.object({ pgPort: z.number().int() }).parse(JSON.parse(readFileSync(join(dataDir, 'ports.json'), 'utf8')));
  const natsUrl = new URL(/sync \(NATS\)\s+: (\S+)/.exec(out)?.[1] ?? '');
  return {
    child,
    apiUrl,
    nats: { host: natsUrl.hostname, port: Number(natsUrl.port) },
    dataDir,
    pgPort: ports.pgPort,
    stop: () => stopChild(child),
  };
}

/** SIGTERM, and SIGKILL if it has not stopped within a minute (its own clean-up stops nats-server and PostgreSQL). */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 60_000);
  await exited;
  clearTimeout(t);
}

function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

export async function runSim(opts: SimOptions): Promise<SimResults> {
  const log = opts.log ?? (() => {});
  const t0 = Date.now();
  const root = mkdtempSync(join(tmpdir(), 'team-sim-'));
  // PostgreSQL runs as its own user when we are root: it must be able to walk to its directory.
  chmodSync(root, 0o755);
  const dataDir = join(root, 'server');
  mkdirSync(dataDir);
  const events: string[] = [];
  const event = (e: string) => {
    const line = `${((Date.now() - t0) / 1000).toFixed(1)} s: ${e}`;
    events.push(line);
    log(line);
  };
  const cleanups: (() => Promise<unknown>)[] = [];
  // Whatever happens — an error, the end of the run, Ctrl+C or a SIGTERM — nothing of the run is left
  // behind: desktops, relay, team server (which stops nats-server), PostgreSQL, the data directory.
  let serverChild: ChildProcess | undefined;
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
      if (serverChild) await stopChild(serverChild);
      stopNatsServerIfRunning(dataDir);
      stopClusterIfRunning(dataDir);
      rmSync(root, { recursive: true, force: true });
    })());
  // npm forwards the terminal's Ctrl+C to a script that already got it: a second signal must not cut the clean-up short.
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    log(`${signal}: stopping the desktops, the team server and PostgreSQL …`);
    void stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const server = await startServer(dataDir, log, (c) => (serverChild = c));
    event(`team server up (${server.apiUrl})`);
    const sql = postgres(clusterUrl(dataDir, server.pgPort), { max: 2, onnotice: () => {} });
    cleanups.push(() => sql.end({ timeout: 2 }));

    // Operators, one team; a password each (scrypt makes this the slow part of the set-up).
    const ops: { login: string; name: string; password: string }[] = [];
    for (let i = 0; i < opts.operators; i++) {
      const op = { login: `op${i}`, name: `Operator ${i + 1}`, password: `sim-password-${i}-${randomUUID()}` };
      await createOperator(sql, { ...op, teamId: 'sim' });
      ops.push(op);
    }

    const summaries = new Map<string, SendSummary>();
    const commitAt = new Map<string, number>();
    const senderOf = new Map<string, number>();
    const lags: number[] = [];
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const drains: { backlog: number; ms: number; offlineDayMs: number }[] = [];
    const claims = { granted: 0, refused: 0, soft: 0, softRefused: 0, onlineDoubleClaims: 0 };
    const templates = { edits: 0, conflictsAsked: 0, lostEdits: 0, gaveUp: 0 };
    const ackedEdits: string[] = [];
    const identity = teamIdentityOf(teamAccount);

    interface Desk {
      i: number;
      uplink: TeamUplink;
      onlineSince: number;
      /** When the link last went from live to not live. */
      offlineSince: number;
      offline: boolean;
      seen: Set<string>;
    }
    // The last few desktops reach nats-server through the fault relay (one in 25, at least one).
    const relayed = opts.connectionFaults ? Math.max(1, Math.round(ops.length / 25)) : 0;
    const relay: FaultProxy | undefined = relayed ? await startFaultProxy(server.nats) : undefined;
    if (relay) cleanups.push(() => relay.close());
    const desks: Desk[] = [];
    for (let i = 0; i < ops.length; i++) {
      const behindRelay = relay !== undefined && i >= ops.length - relayed;
      const dir = join(root, `desk${i}`);
      mkdirSync(dir);
      const desk: Desk = {
        i,
        uplink: undefined as unknown as TeamUplink,
        onlineSince: Number.POSITIVE_INFINITY,
        offlineSince: 0,
        offline: false,
        seen: new Set(),
      };
      desk.uplink = new TeamUplink({
        journalFile: join(dir, 'team.sqlite'),
        summaryOf: (id) => summaries.get(id),
        accountOf: () => teamAccount,
        settings: memorySettings(),
        secretBox: keyedSecretBox(),
        factory: behindRelay ? natsLinkFactory({ natsUrlOf: () => `nats://${relay.host}:${relay.port}` }) : connectTeamLink,
        now: () => Date.now(),
        changed: () => {
          const link = desk.uplink.currentLink;
          const online = link?.online() ?? false;
          if (online && desk.onlineSince === Number.POSITIVE_INFINITY) desk.onlineSince = Date.now();
          if (!online && desk.onlineSince !== Number.POSITIVE_INFINITY) desk.offlineSince = Date.now();
          if (!online) desk.onlineSince = Number.POSITIVE_INFINITY;
          if (!link) return;
          const now = Date.now();
          const sends = link.view().sends;
          // The view is ordered newest first: new arrivals are near the top.
          for (let k = 0; k < Math.min(200, sends.length); k++) {
            const s = sends[k]!;
            if (desk.seen.has(s.id)) continue;
            desk.seen.add(s.id);
            const at = commitAt.get(s.id);
            if (at === undefined || senderOf.get(s.id) === desk.i) continue;
            // Counted only when this desktop was live from the commit on: offline catch-up is the drain's figure.
            if (desk.onlineSince <= at) lags.push(now - at);
          }
        },
      });
      desks.push(desk);
      cleanups.push(() => desk.uplink.close());
    }
    // Sign-ins in small batches: each costs the server a 32 MiB scrypt.
    for (let i = 0; i < desks.length; i += 5)
      await Promise.all(desks.slice(i, i + 5).map((d, k) => d.uplink.connect(server.apiUrl, ops[i + k]!.login, ops[i + k]!.password)));
    const deadline = Date.now() + 180_000;
    while (desks.some((d) => !d.uplink.currentLink?.online())) {
      if (Date.now() > deadline) throw new Error('desktops did not all come online');
      await sleep(100);
    }
    event(`${desks.length} desktops online`);
    const operatorIds = desks.map((d) => d.uplink.currentLink!.operator.id);

    // The hot template, created by the first operator.
    const hot = `tt_hot_${randomUUID()}`;
    const created = await desks[0]!.uplink.saveTemplate({ id: hot, name: 'Hot', body: 'Здравствуйте!', baseVersion: 0 });
    if (!created.ok) throw new Error('could not create the hot template');

    const runMs = opts.minutes * 60_000;
    const start = Date.now();
    const end = start + runMs;
    const toRun = (dayFraction: number) => dayFraction * runMs;
    const sendIntervalMs = runMs / opts.sendsPerDay;
    const components = watchComponents({
      postgres: () => {
        try {
          return treeOf(postmasterPid(dataDir));
        } catch {
          return [];
        }
      },
      'nats-server': () => natsPids(),
      'team API (with the service)': () => (server.child.pid ? [server.child.pid] : []),
      'desktops (all, one process)': () => [process.pid],
    });
    function natsPids() {
      return server.child.pid ? treeOf(server.child.pid).filter((p) => commandOf(p) === 'nats-server') : [];
    }

    // Offline periods: 30 s … 30 min of the day, one per chosen operator, somewhere in the day.
    const offlinePlan = desks
      .filter((_, i) => i > 0 && i / desks.length < opts.offlineShare + 1e-9)
      .map((d, k, all) => {
        const minutes = all.length === 1 ? 30 : 0.5 + (29.5 * k) / Math.max(1, all.length - 1);
        return { d, at: start + toRun(0.1 + 0.6 * Math.random()), dur: toRun((minutes * 60_000) / dayMs), minutes };
      });
    const offlineTasks = offlinePlan.map(async ({ d, at, dur, minutes }) => {
      await sleep(Math.max(0, at - Date.now()));
      d.uplink.currentLink?.goOffline();
      d.offline = true;
      await sleep(dur);
      d.offline = false;
      d.uplink.currentLink?.goOnline();
      // The drain is timed from the moment the desktop is connected again: when the period ends while
      // nats-server is being restarted, the wait for it is the restart's figure, not the drain's.
      const wentOnline = Date.now();
      let connected = wentOnline;
      while (!(d.uplink.currentLink?.online() ?? false) && Date.now() - wentOnline < 300_000) {
        await sleep(25);
        connected = Date.now();
      }
      const backlog = d.uplink.status().pending;
      const ok = await d.uplink.settled(180_000);
      const t = Date.now();
      drains.push({ backlog, ms: ok ? t - connected : Number.POSITIVE_INFINITY, offlineDayMs: minutes * 60_000 });
      event(
        `operator ${d.i + 1} back after ${minutes.toFixed(1)} min of the day offline: connected in ${connected - wentOnline} ms, ${backlog} rows drained ${t - connected} ms after that`,
      );
    });

    // The faults, one after another in the day's order; each waits for the last to be over, so a
    // short run does not pile them on top of each other. Each wait is bounded: a fault that never
    // ends is recorded as never (the report says missed) instead of hanging the run.
    const connectionFaults: ConnectionFault[] = [];
    const restarts: Restart[] = [];
    const live = (d: Desk) => !d.offline && (d.uplink.currentLink?.online() ?? false);
    /** `probe` refreshes what `ok` reads, when that is asked of a server (every 50 ms at most). */
    const waitUntil = async (ok: () => boolean, ms: number, what: string, probe?: () => Promise<void>) => {
      const until = Date.now() + ms;
      if (probe) await probe();
      while (!ok()) {
        if (Date.now() > until) {
          // Recorded as never (the report says "missed"), and the day goes on: a struggling run still reports.
          event(`gave up waiting ${ms / 1000} s for ${what}`);
          return Number.POSITIVE_INFINITY;
        }
        await sleep(50);
        if (probe) await probe();
      }
      return Date.now();
    };
    const relayDesks = desks.slice(desks.length - relayed);
    async function connectionFault(kind: 'dropped' | 'stalled') {
      const at = Date.now();
      if (kind === 'dropped') relay!.drop();
      else relay!.stall();
      event(`${kind === 'dropped' ? 'connection dropped' : 'connection stalled (open, silent)'} for ${relayDesks.length} desktop(s)`);
      const detected = await Promise.all(
        // A desktop can notice and be back through the relay between two looks: its offlineSince says it noticed.
        relayDesks.map((d) =>
          waitUntil(
            () => !(d.uplink.currentLink?.online() ?? false) || d.offlineSince >= at,
            120_000,
            `a ${kind} connection to be noticed`,
          ),
        ),
      );
      if (kind === 'stalled') {
        await sleep(Math.max(0, at + opts.stallMs - Date.now()));
        relay!.resume();
      }
      const back = Date.now();
      const backlogs = relayDesks.map((d) => d.uplink.status().pending);
      const reconnected = await Promise.all(
        relayDesks.map((d) =>
          waitUntil(() => d.uplink.currentLink?.online() ?? false, 180_000, `the desktop to reconnect after a ${kind} connection`),
        ),
      );
      const drained = await Promise.all(
        relayDesks.map(async (d) => ((await d.uplink.settled(180_000)) ? Date.now() : Number.POSITIVE_INFINITY)),
      );
      relayDesks.forEach((d, k) =>
        connectionFaults.push({
          kind,
          detectedMs: Math.min(detected[k]!, d.offlineSince || detected[k]!) - at,
          reconnectedMs: reconnected[k]! - back,
          backlog: backlogs[k]!,
          drainedMs: drained[k]! - back,
        }),
      );
      event(
        `${kind} connection: noticed after ${Math.max(...detected) - at} ms, live again ${Math.max(...reconnected) - back} ms after the network came back`,
      );
    }
    async function allLiveAndDrained(what: string, since: number, extra: Partial<Restart> = {}) {
      const liveAt = await waitUntil(() => desks.every((d) => d.offline || live(d)), 300_000, `every desktop to be live after ${what}`);
      const ok = await Promise.all(desks.filter((d) => !d.offline).map((d) => d.uplink.settled(180_000)));
      const drainedAt = ok.every(Boolean) ? Date.now() : Number.POSITIVE_INFINITY;
      restarts.push({ what, allLiveMs: liveAt - since, drainedMs: drainedAt - since, ...extra });
      event(`${what}: every desktop live after ${liveAt - since} ms, journals empty after ${drainedAt - since} ms`);
    }
    /** Rows of PostgreSQL's projection for these sends, once it answers again. */
    async function projected(ids: readonly string[]) {
      if (!ids.length) return 0;
      try {
        const [row] = await sql<
          { n: number }[]
        >`select count(*)::int as n from team_send where team_id = 'sim' and id = any(${ids as string[]})`;
        return row?.n ?? 0;
      } catch {
        return -1;
      }
    }
    let faultsOver = false;
    const faults = (async () => {
      const at = async (dayFraction: number) => sleep(Math.max(0, start + runMs * dayFraction - Date.now()));
      if (relay) {
        await at(0.15);
        await connectionFault('dropped');
      }
      if (opts.killNats) {
        await at(0.3);
        const [pid, ...more] = natsPids();
        if (!pid || more.length) throw new Error(`expected one nats-server under the team server, found ${more.length + (pid ? 1 : 0)}`);
        const t = Date.now();
        process.kill(pid, 'SIGKILL');
        event('nats-server killed (SIGKILL); the team server starts it again');
        // The desktops hear the connection close at once; a kill they never notice would cost them nothing.
        await waitUntil(() => desks.some((d) => !d.offline && !live(d)), 10_000, 'the kill to be noticed');
        await allLiveAndDrained('nats-server killed', t);
      }
      if (relay) {
        await at(0.5);
        await connectionFault('stalled');
      }
      if (opts.restartPostgres) {
        await at(0.7);
        const before = [...commitAt.keys()];
        const t = Date.now();
        const mode = await restartCluster(dataDir);
        event(
          `PostgreSQL restarted (${Date.now() - t} ms${mode === 'immediate' ? '; the fast shutdown did not end within 60 s, so it was stopped immediately and recovered from its WAL' : ''})`,
        );
        // The desktops do not talk to PostgreSQL (only sign-in and the service's projection do): what a
        // restart can cost is the projection falling behind the stream, so that is timed too.
        let n = 0;
        const caughtUp = await waitUntil(
          () => n === before.length,
          180_000,
          'PostgreSQL to hold every send made before its restart',
          async () => void (n = await projected(before)),
        );
        await allLiveAndDrained('PostgreSQL restarted', t, { projectedMs: caughtUp - t });
      }
    })().finally(() => {
      faultsOver = true;
    });

    // Hot chats: a fifth of the traffic goes to ten chats, the rest spreads over the others.
    const pickChat = () =>
      Math.random() < 0.2 ? `chat ${Math.floor(Math.random() * 10)}` : `chat ${10 + Math.floor(Math.random() * (opts.chats - 10))}`;
    // 200 edits of the hot template in a day's sends: one edit per this many sends, counted per
    // operator. Tied to the sends made, not to the clock, so a slow run is not mostly template edits
    // (a clock-driven rate made them outnumber the sends when the server was slow).
    const sendsPerEdit = Math.max(1, Math.round(opts.sendsPerDay / Math.max(1, opts.templateEditsPerDay ?? 200)));

    async function operator(d: Desk) {
      // Each operator sends at its own Poisson rate: sendsPerDay / operators per day.
      const meanMs = sendIntervalMs * desks.length;
      let n = 0;
      let nextTemplate = Math.floor(Math.random() * sendsPerEdit);
      // The day lasts at least until the faults are over, so each one meets traffic.
      const working = () => Date.now() < end || !faultsOver;
      // Arrivals are planned on the clock (a Poisson process), not as a pause after each answer: the time an
      // answer takes (the claim's round trip, the send, the template edit) must not lower the load offered.
      // An operator behind its plan catches up, but not by more than ten sends in a burst.
      let next = Date.now();
      while (working()) {
        next = Math.max(next, Date.now() - 10 * meanMs) - Math.log(1 - Math.random()) * meanMs;
        const until = next;
        // Slept in steps, so the day ends when it is over rather than when the longest of the
        // operators' random pauses (a minute or more at a low rate) happens to end.
        while (Date.now() < until && working()) await sleep(Math.max(0, Math.min(1_000, until - Date.now())));
        if (!working()) break;
        const recipient = pickChat();
        const online = !d.offline && (d.uplink.currentLink?.online() ?? false);
        const c = await d.uplink.claim(teamAccount, recipient);
        if (!c.ok) {
          claims.refused++;
          continue;
        }
        if (c.soft) claims.soft++;
        else claims.granted++;
        const id = `s_${d.i}_${n++}_${randomUUID().slice(0, 8)}`;
        const now = Date.now();
        const summary: SendSummary = {
          id,
          provider: 'pachca',
          accountId: teamAccount.id,
          accountName: teamAccount.name,
          sandbox: false,
          status: 'sending',
          recipient,
          to: { kind: 'chat', id: recipient },
          preview: { kind: 'text', text: `Ответ ${n} от оператора ${d.i + 1}` },
          createdAt: now,
          updatedAt: now,
          attemptCount: 1,
        };
        summaries.set(id, summary);
        commitAt.set(id, now);
        senderOf.set(id, d.i);
        d.uplink.noteChanged([id]);
        await sleep(20 + Math.random() * 200);
        summaries.set(id, { ...summary, status: 'sent', updatedAt: Date.now(), providerMessageId: `m${n}` });
        d.uplink.noteChanged([id]);
        if (online && !c.soft) void d.uplink.currentLink?.release(chatKeyOf(identity, recipient)).catch(() => {});
        if (n >= nextTemplate && !d.offline) {
          nextTemplate = n + sendsPerEdit;
          await editHot(d);
        }
      }
    }

    async function editHot(d: Desk) {
      const token = `edit-${d.i}-${randomUUID().slice(0, 6)}`;
      let base = d.uplink.templates().find((t) => t.id === hot);
      if (!base) return;
      let version = base.version;
      let body = base.body;
      for (let attempt = 0; attempt < 6; attempt++) {
        const r = await d.uplink.saveTemplate({ id: hot, name: 'Hot', body: `${body}\n${token}`, baseVersion: version });
        if (r.ok) {
          templates.edits++;
          ackedEdits.push(token);
          return;
        }
        if ('offline' in r) return;
        templates.conflictsAsked++;
        // The operator is shown the newer text and re-applies their line on top of it.
        version = r.conflict.version;
        body = r.conflict.body;
      }
      templates.gaveUp++;
    }

    const progress = setInterval(() => {
      const online = desks.filter((d) => d.uplink.currentLink?.online()).length;
      const pending = desks.reduce((n, d) => n + d.uplink.status().pending, 0);
      const stuck = desks
        .filter((d) => d.uplink.status().pending > 0)
        .map((d) => `#${d.i + 1}:${d.uplink.status().pending}${live(d) ? '' : ' off'}`);
      log(
        `  … ${commitAt.size} sends, ${lags.length} convergence samples, ${online}/${desks.length} online, ${pending} rows waiting${stuck.length && stuck.length <= 8 ? ` (${stuck.join(', ')})` : ''}`,
      );
    }, 10_000);
    progress.unref();
    cleanups.push(async () => clearInterval(progress));
    await Promise.all([...desks.map(operator), faults]);
    event(`day over: ${commitAt.size} sends`);
    await Promise.all(offlineTasks);
    for (const d of desks) d.uplink.currentLink?.goOnline();
    const settledAll = await Promise.all(desks.map((d) => d.uplink.settled(180_000)));
    event(`journals drained: ${settledAll.filter(Boolean).length}/${desks.length}`);
    clearInterval(progress);
    const stats = components.stop();

    const ids = [...commitAt.keys()];
    // Every send on every desktop: each view holds the newest 2000, so this is checked when the day fits.
    let unseen = 0;
    if (ids.length <= 2000) {
      const seenAll = (d: Desk) => {
        const have = new Set((d.uplink.currentLink?.view().sends ?? []).map((x) => x.id));
        return ids.filter((id) => !have.has(id)).length;
      };
      const first = desks.map((d) => `#${d.i + 1}:${seenAll(d)}`).filter((x) => !x.endsWith(':0'));
      const lookedAt = Date.now();
      await waitUntil(() => desks.every((d) => seenAll(d) === 0), 120_000, 'every desktop to see every send');
      unseen = desks.reduce((n, d) => n + seenAll(d), 0);
      event(
        `every send on every desktop: ${unseen === 0 ? 'yes' : `${unseen} (send, desktop) pairs missing`}${first.length ? ` (${Date.now() - lookedAt} ms after the journals drained; missing then: ${first.join(', ')})` : ''}`,
      );
    }

    // Invariants, from what the server keeps (server-record.ts says why the streams are read whole).
    // PostgreSQL's projection follows the stream by a consumer: it is given time to catch up first.
    let inProjection = 0;
    await waitUntil(
      () => inProjection === ids.length,
      120_000,
      "PostgreSQL's projection to hold every send",
      async () => {
        inProjection = await projected(ids);
      },
    );
    const made: MadeSend[] = ids.map((id) => ({ id, operatorId: operatorIds[senderOf.get(id)!]!, finalStatus: 'sent' }));
    const record = await readServerRecord(server.apiUrl, ops[0]!, [hot]);
    if (record.unreadable) event(`${record.unreadable} messages on the server no schema could read`);
    const inv = invariantsOf(made, record, await readProjection(sql, 'sim'), { templateId: hot, acked: ackedEdits });
    templates.lostEdits = inv.lostEdits;
    claims.onlineDoubleClaims = inv.onlineDoubleClaims;
    const softRefused = desks.reduce((n, d) => n + d.uplink.conflicts().filter((c) => c.kind === 'claim_refused').length, 0);
    claims.softRefused = softRefused;

    lags.sort((a, b) => a - b);
    const drainMs = drains.map((d) => d.ms).sort((a, b) => a - b);
    const longest = [...drains].sort((a, b) => b.offlineDayMs - a.offlineDayMs)[0];
    return {
      options: opts,
      sends: ids.length,
      convergence: { samples: lags.length, p50: pct(lags, 50), p95: pct(lags, 95), p99: pct(lags, 99), max: lags.at(-1) ?? 0 },
      desktopsLoopDelay: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
      drains: {
        count: drains.length,
        backlogMax: Math.max(0, ...drains.map((d) => d.backlog)),
        p50: pct(drainMs, 50),
        max: drainMs.at(-1) ?? 0,
        longestOfflineDayMinutes: longest ? longest.offlineDayMs / 60_000 : 0,
        backlogOfLongest: longest?.backlog ?? 0,
        drainOfLongest: longest?.ms ?? 0,
      },
      claims,
      templates,
      duplicatedSends: inv.duplicatedSends,
      missingSends: inv.missingSends,
      staleSends: inv.staleSends,
      missingInProjection: inv.missingInProjection,
      unseen,
      connectionFaults,
      restarts,
      events,
      components: stats,
      wallSeconds: (Date.now() - t0) / 1000,
      loadAverage: (await import('node:os')).loadavg(),
    };
  } finally {
    await stopAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
