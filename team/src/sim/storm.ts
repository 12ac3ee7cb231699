import { memorySettings, teamPachcaAccount as account } from '../../../electron/testing/team-account.ts';
import { sendingSummary } from './desktop.ts';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import postgres from 'postgres';
import type { SendSummary } from '../../../shared/sends.ts';
import { TeamUplink } from '../../../electron/team/uplink.ts';
import { keyedSecretBox } from '../../../electron/vault/secret-box.ts';
import { natsLinkFactory } from '../../client/nats-link.ts';
import { stopNatsServerIfRunning } from '../nats/server-process.ts';
import { createOperator } from '../operators.ts';
import { clusterUrl, stopClusterIfRunning } from '../postgres-cluster.ts';
import { serverState } from '../state.ts';
import { exitedPid, listeningAgain, startStormServer } from './storm-server.ts';

/**
 * The storm: what the minutes after nats-server's SIGKILL cost N connected desktops, measured alone
 * and repeated. Each desktop is the real uplink (journal + NATS link), all in this process; the team
 * server runs in its own. Traffic goes on through every kill at a steady rate, so some publishes are
 * on the wire when nats-server dies and the journals fill while it is away, as in the full-load day.
 *
 * Per round, from the kill:
 * - back: nats-server accepts connections again (the supervisor started it);
 * - live: the first / the last desktop's link is live again;
 * - drained: every send made from 3 s before the kill until nats-server was back is on the server
 *   (its desktop's journal holds it as synced in its final status);
 * - caught up: every desktop's view holds each of those sends in its final status;
 * - seen everywhere: for each send made in the round, from its commit until the last desktop's view
 *   held it (the convergence the simulation reports, here as the worst desktop's).
 */
export interface StormOptions {
  desktops: number;
  rounds: number;
  /** Sends per second over all desktops, through the whole run. */
  sendsPerSecond: number;
  /** How long the traffic runs after the last desktop caught up, before the next kill. */
  quietMs: number;
  log?: (line: string) => void;
}

export interface StormRound {
  backMs: number;
  firstLiveMs: number;
  allLiveMs: number;
  drainedMs: number;
  caughtUpMs: number;
  /** From a desktop's link being live again to its last target send being on the server (p50, max over desktops). */
  liveToDrained: { p50: number; max: number };
  /** Sends committed in [kill, caught up]: commit → held by every desktop's view. */
  seenEverywhere: { samples: number; p50: number; p99: number; max: number };
  /** How late the desktops' shared event loop ran its callbacks from the kill until every view caught up (p99, max). */
  loopDelay: { p99: number; max: number };
  /** Sends the journals held unsynced when nats-server was back, over all desktops. */
  backlog: number;
  /** What the links logged during the round, by kind. */
  linkLog: Record<string, number>;
}

export interface StormResults {
  options: StormOptions;
  rounds: StormRound[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const pct = (sorted: readonly number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : Number.NaN;

/** A log line without its ids and numbers, so lines of one kind count together. */
const kindOf = (line: string) =>
  line
    .replace(/s_\d+_\d+_[0-9a-f]+/g, '<send>')
    .replace(/\d+(\.\d+)?/g, '#')
    .slice(0, 160);

interface Desk {
  i: number;
  uplink: TeamUplink;
  /** Ids this desktop's view has shown in their final status. */
  held: Set<string>;
  liveAt: number;
}

interface Made {
  desk: number;
  at: number;
  final: boolean;
  /** Desktops whose view has held it in its final status, and when the last of them did. */
  heldBy: number;
  heldEverywhereAt: number;
}

export async function runStorm(opts: StormOptions): Promise<StormResults> {
  const log = opts.log ?? (() => {});
  const root = mkdtempSync(join(tmpdir(), 'team-storm-'));
  // PostgreSQL runs as its own user when we are root: it must be able to walk to its directory.
  chmodSync(root, 0o755);
  const dataDir = join(root, 'server');
  mkdirSync(dataDir);
  const cleanups: (() => Promise<unknown>)[] = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
      stopNatsServerIfRunning(dataDir);
      stopClusterIfRunning(dataDir);
      rmSync(root, { recursive: true, force: true });
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    void stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const server = await startStormServer(dataDir);
    cleanups.push(() => server.stop());
    log(`team server up (${server.apiUrl})`);
    const { pgPort } = await serverState(dataDir);
    const sql = postgres(clusterUrl(dataDir, pgPort), { max: 2, onnotice: () => {} });
    const ops: { login: string; password: string }[] = [];
    for (let i = 0; i < opts.desktops; i++) {
      const op = { login: `op${i}`, password: `storm-${i}-${randomUUID()}` };
      await createOperator(sql, { ...op, name: `Operator ${i + 1}`, teamId: 'storm' });
      ops.push(op);
    }
    await sql.end({ timeout: 2 });

    const summaries = new Map<string, SendSummary>();
    const made = new Map<string, Made>();
    const linkLog = new Map<string, number>();
    const noteLog = (line: string) => {
      const k = kindOf(line);
      linkLog.set(k, (linkLog.get(k) ?? 0) + 1);
    };
    const factory = natsLinkFactory({ log: noteLog });
    const desks: Desk[] = [];
    for (let i = 0; i < opts.desktops; i++) {
      const dir = join(root, `desk${i}`);
      mkdirSync(dir);
      const desk: Desk = { i, uplink: undefined as unknown as TeamUplink, held: new Set(), liveAt: 0 };
      desk.uplink = new TeamUplink({
        journalFile: join(dir, 'team.sqlite'),
        summaryOf: (id) => summaries.get(id),
        accountOf: () => account,
        settings: memorySettings(),
        secretBox: keyedSecretBox(),
        factory,
        now: () => Date.now(),
        changed: () => {
          const online = desk.uplink.currentLink?.online() ?? false;
          if (online && !desk.liveAt) desk.liveAt = Date.now();
          if (!online) desk.liveAt = 0;
        },
      });
      desks.push(desk);
      cleanups.push(() => desk.uplink.close());
    }
    // Sign-ins in small batches: each costs the server a 32 MiB scrypt.
    for (let i = 0; i < desks.length; i += 5)
      await Promise.all(desks.slice(i, i + 5).map((d, k) => d.uplink.connect(server.apiUrl, ops[i + k]!.login, ops[i + k]!.password)));
    const live = (d: Desk) => d.uplink.currentLink?.online() ?? false;
    const waitFor = async (ok: () => boolean, ms: number) => {
      const end = Date.now() + ms;
      while (!ok()) {
        if (Date.now() > end) return Number.NaN;
        await sleep(10);
      }
      return Date.now();
    };
    if (Number.isNaN(await waitFor(() => desks.every(live), 180_000))) throw new Error('the desktops did not all come online');
    log(`${desks.length} desktops live`);

    // Which sends each view holds in their final status: looked at every 50 ms, newest first, down to the oldest one still unseen.
    let watchFrom = Date.now();
    const look = setInterval(() => {
      const now = Date.now();
      for (const d of desks) {
        const sends = d.uplink.currentLink?.view().sends ?? [];
        for (const s of sends) {
          if (s.updatedAt < watchFrom) break;
          if (s.status !== 'sent' || d.held.has(s.id)) continue;
          d.held.add(s.id);
          const m = made.get(s.id);
          if (m && ++m.heldBy === desks.length) m.heldEverywhereAt = now;
        }
      }
    }, 50);
    cleanups.push(async () => clearInterval(look));

    // Steady traffic: a send every 1/rate s from the desktops in turn, 'sending' then 'sent' 20–200 ms later.
    let n = 0;
    let traffic = true;
    const everyMs = 1000 / opts.sendsPerSecond;
    const sending = (async () => {
      let next = Date.now();
      while (traffic) {
        next += everyMs;
        await sleep(Math.max(0, next - Date.now()));
        const d = desks[n % desks.length]!;
        const id = `s_${d.i}_${n++}_${randomUUID().slice(0, 8)}`;
        const at = Date.now();
        const summary = sendingSummary({ id, recipient: `chat ${n % 300}`, text: `Ответ ${n}`, at });

        summaries.set(id, summary);
        const m: Made = { desk: d.i, at, final: false, heldBy: 0, heldEverywhereAt: 0 };
        made.set(id, m);
        d.uplink.noteChanged([id]);
        setTimeout(
          () => {
            summaries.set(id, { ...summary, status: 'sent', updatedAt: Date.now(), providerMessageId: `m${id}` });
            m.final = true;
            d.uplink.noteChanged([id]);
          },
          20 + Math.random() * 180,
        );
      }
    })();
    cleanups.push(async () => {
      traffic = false;
      await sending;
    });
    await sleep(opts.quietMs);

    const rounds: StormRound[] = [];
    for (let r = 0; r < opts.rounds; r++) {
      linkLog.clear();
      watchFrom = Date.now() - 3_000;
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      const pid = server.natsPid();
      const t = Date.now();
      process.kill(pid, 'SIGKILL');
      if (!(await exitedPid(pid, 10_000))) throw new Error(`nats-server (${pid}) did not die of SIGKILL`);
      const backAt = (await listeningAgain(server.nats.host, server.nats.port, 120_000)) ? Date.now() : Number.NaN;
      const target = [...made].filter(([, m]) => m.at >= t - 3_000 && m.at <= backAt).map(([id]) => id);
      const backlog = desks.reduce((k, d) => k + d.uplink.status().pending, 0);
      // The kill is heard at once: wait for it before asking who is live again.
      await waitFor(() => desks.some((d) => !live(d)), 1_000);
      const liveAt = desks.map(() => 0);
      const drainedAt = desks.map(() => 0);
      const onServer = (id: string) => {
        const m = made.get(id)!;
        return m.final && desks[m.desk]!.uplink.isSynced(id);
      };
      const mine = desks.map((d) => target.filter((id) => made.get(id)!.desk === d.i));
      const caughtUp = () => desks.every((d) => target.every((id) => d.held.has(id)));
      const end = Date.now() + 180_000;
      let caughtUpAt = 0;
      while (Date.now() < end) {
        const now = Date.now();
        desks.forEach((d, k) => {
          if (!liveAt[k] && live(d)) liveAt[k] = now;
          if (!drainedAt[k] && mine[k]!.every(onServer)) drainedAt[k] = now;
        });
        if (!caughtUpAt && caughtUp()) caughtUpAt = now;
        if (caughtUpAt && liveAt.every(Boolean) && drainedAt.every(Boolean)) break;
        await sleep(10);
      }
      loop.disable();
      const miss = (x: number) => (x ? x - t : Number.NaN);
      const roundEnd = caughtUpAt || Date.now();
      // The sends of the round's last moments are given the quiet time to reach every view before the lags are read.
      await sleep(opts.quietMs);
      const lags = [...made.values()]
        .filter((m) => m.at >= t && m.at <= roundEnd && m.final)
        .map((m) => (m.heldEverywhereAt ? m.heldEverywhereAt - m.at : Number.POSITIVE_INFINITY))
        .sort((a, b) => a - b);
      const gaps = desks
        .map((_, k) => (liveAt[k] && drainedAt[k] ? Math.max(0, drainedAt[k]! - liveAt[k]!) : Number.NaN))
        .sort((a, b) => a - b);
      const round: StormRound = {
        backMs: backAt - t,
        firstLiveMs: Math.min(...liveAt.map(miss)),
        allLiveMs: Math.max(...liveAt.map(miss)),
        drainedMs: Math.max(...drainedAt.map(miss)),
        caughtUpMs: miss(caughtUpAt),
        liveToDrained: { p50: pct(gaps, 50), max: gaps.at(-1) ?? Number.NaN },
        seenEverywhere: { samples: lags.length, p50: pct(lags, 50), p99: pct(lags, 99), max: lags.at(-1) ?? Number.NaN },
        loopDelay: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
        backlog,
        linkLog: Object.fromEntries(linkLog),
      };
      rounds.push(round);
      log(roundLine(r + 1, round));
      // Sends older than the round are forgotten: the look and the lags stay proportional to a round.
      for (const [id, m] of made) if (m.at < t) made.delete(id);
    }
    return { options: opts, rounds };
  } finally {
    await stopAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

const ms = (x: number) => (Number.isFinite(x) ? `${Math.round(x)}` : 'never');

export function roundLine(k: number, r: StormRound): string {
  return (
    `round ${k}: back ${ms(r.backMs)} ms, live ${ms(r.firstLiveMs)}–${ms(r.allLiveMs)} ms, drained ${ms(r.drainedMs)} ms, ` +
    `caught up ${ms(r.caughtUpMs)} ms (backlog ${r.backlog}; live→drained p50 ${ms(r.liveToDrained.p50)} / max ${ms(r.liveToDrained.max)} ms; ` +
    `seen everywhere p50 ${ms(r.seenEverywhere.p50)} / p99 ${ms(r.seenEverywhere.p99)} / max ${ms(r.seenEverywhere.max)} ms of ${r.seenEverywhere.samples}; ` +
    `desktops' loop late p99 ${ms(r.loopDelay.p99)} / max ${ms(r.loopDelay.max)} ms)`
  );
}

/** The rounds side by side, then each figure's median and worst over the rounds. */
export function stormReport(res: StormResults): string {
  const { rounds, options: o } = res;
  const lines = [
    `storm: ${o.desktops} desktops, ${o.sendsPerSecond} sends/s, ${o.rounds} kills of nats-server (SIGKILL), times from the kill`,
    ...rounds.map((r, k) => roundLine(k + 1, r)),
  ];
  const figure = (name: string, of: (r: StormRound) => number) => {
    const xs = rounds.map(of).sort((a, b) => a - b);
    lines.push(`  ${name.padEnd(26)} median ${ms(pct(xs, 50)).padStart(6)} ms   worst ${ms(xs.at(-1) ?? Number.NaN).padStart(6)} ms`);
  };
  lines.push('over the rounds:');
  figure('nats-server back', (r) => r.backMs);
  figure('every link live', (r) => r.allLiveMs);
  figure('every journal drained', (r) => r.drainedMs);
  figure('every follower caught up', (r) => r.caughtUpMs);
  figure('seen everywhere p99', (r) => r.seenEverywhere.p99);
  figure("desktops' loop late max", (r) => r.loopDelay.max);
  const logs = new Map<string, number>();
  for (const r of rounds) for (const [k, v] of Object.entries(r.linkLog)) logs.set(k, (logs.get(k) ?? 0) + v);
  if (logs.size) {
    lines.push('what the links logged (all rounds):');
    for (const [k, v] of [...logs].sort((a, b) => b[1] - a[1]).slice(0, 12)) lines.push(`  ${String(v).padStart(6)} × ${k}`);
  }
  return lines.join('\n');
}
