import { type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import postgres from 'postgres';
import { stopNatsServerIfRunning } from '../nats/server-process.ts';
import { createOperator } from '../operators.ts';
import { clusterUrl, stopClusterIfRunning } from '../postgres-cluster.ts';
import { startDeskWorkers } from './desk-workers.ts';
import { startFaultProxy } from './fault-proxy.ts';
import { projected, runFaults } from './faults.ts';
import { invariantsOf, type MadeSend } from './invariants.ts';
import { commandOf, treeOf, watchComponents } from './proc-stats.ts';
import type { LoopDelay, SimOptions, SimResults } from './results.ts';
import { readProjection, readServerRecord } from './server-record.ts';
import { postmasterPid, startServer, stopChild } from './team-server.ts';
import { waitUntilWith } from './wait-until.ts';
import type { OfflinePeriod, ResultOf } from './worker-protocol.ts';

export type { SimOptions, SimResults } from './results.ts';

const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;
const dayMs = 24 * 3_600_000;
const coordinatorName = 'simulation coordinator (fault relay, plan)';

/**
 * The team simulation's coordinator: it starts the team server (its own process: PostgreSQL,
 * nats-server, the API with the team service), spreads the simulated desktops over desk worker
 * processes (desk-worker.ts: the desktop's real uplink, journal + NATS link, and its operator's day),
 * runs the plan of faults, and at the end judges the invariants from what the server keeps and
 * gathers the workers' figures for the report. One working day is compressed into `minutes`.
 */
export async function runSim(opts: SimOptions): Promise<SimResults> {
  const log = opts.log ?? (() => {});
  const t0 = Date.now();
  // Before anything of the run starts: what else the machine was doing (the run's own processes load it too).
  const loadBefore = loadavg();
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
  const waitUntil = waitUntilWith(event);
  const cleanups: (() => Promise<unknown>)[] = [];
  // Whatever happens — an error, the end of the run, Ctrl+C, a SIGTERM, a worker lost — nothing of the
  // run is left behind: desk workers, relay, team server (which stops nats-server), PostgreSQL, the data
  // directory. (Killed with SIGKILL, this process leaves it to its children: the workers' IPC channel
  // and the team server's stdin close, and each stops itself.)
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
    log(`${signal}: stopping the desk workers, the team server and PostgreSQL …`);
    void stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A worker that dies mid-run ends the run (its desktops' figures would be missing) instead of hanging it.
  let workerLost: (e: Error) => void = () => {};
  const lost = new Promise<never>((_, reject) => (workerLost = reject));
  lost.catch(() => {});
  const orLost = <T>(p: Promise<T>) => Promise.race([p, lost]);
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

    // The last few desktops reach nats-server through the fault relay (one in 25, at least one).
    const desktops = ops.length;
    const relayed = opts.connectionFaults ? Math.max(1, Math.round(desktops / 25)) : 0;
    const proxy = relayed ? await startFaultProxy(server.nats) : undefined;
    if (proxy) cleanups.push(() => proxy.close());
    const relayDesks = proxy ? Array.from({ length: relayed }, (_, k) => desktops - relayed + k) : [];

    const workers = startDeskWorkers(desktops, opts.processes ?? 5, event, (e) => workerLost(e));
    cleanups.push(() => workers.stop());
    const pool = workers.workers;
    event(`${pool.length} desk worker process(es), ${desktops} desktops`);
    await orLost(
      Promise.all(
        pool.map((w) =>
          w.call({
            method: 'init',
            apiUrl: server.apiUrl,
            relayUrl: proxy ? `nats://${proxy.host}:${proxy.port}` : null,
            root,
            desks: w.desks.map((i) => ({ i, behindRelay: relayDesks.includes(i) })),
          }),
        ),
      ),
    );
    // Sign-ins in small batches over the whole team: each costs the server a 32 MiB scrypt.
    for (let i = 0; i < desktops; i += 5)
      await orLost(
        Promise.all(
          ops
            .slice(i, i + 5)
            .map((op, k) => workers.of(i + k).call({ method: 'connect', i: i + k, login: op.login, password: op.password })),
        ),
      );
    if (!Number.isFinite(await waitUntil(() => ops.every((_, i) => workers.state(i).online), 180_000, 'every desktop to come online')))
      throw new Error('desktops did not all come online');
    event(`${desktops} desktops online`);
    const operatorIds = new Map(
      (await orLost(Promise.all(pool.map((w) => w.call({ method: 'operatorIds' }))))).flat().map((o) => [o.i, o.id]),
    );

    // The hot template, created by the first operator.
    const hot = `tt_hot_${randomUUID()}`;
    if (!(await orLost(workers.of(0).call({ method: 'createTemplate', i: 0, id: hot }))))
      throw new Error('could not create the hot template');

    const runMs = opts.minutes * 60_000;
    const start = Date.now();
    const end = start + runMs;
    const toRun = (dayFraction: number) => dayFraction * runMs;
    const natsPids = () => (server.child.pid ? treeOf(server.child.pid).filter((p) => commandOf(p) === 'nats-server') : []);
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
      [`desktops (all ${pool.length} worker processes)`]: () => workers.pids(),
      [coordinatorName]: () => [process.pid],
    });
    const coordinatorLoop = monitorEventLoopDelay({ resolution: 10 });
    coordinatorLoop.enable();
    cleanups.push(async () => coordinatorLoop.disable());

    // Offline periods: 30 s … 30 min of the day, one per chosen operator (not the first), somewhere in the day.
    const chosen = ops.map((_, i) => i).filter((i) => i > 0 && i / desktops < opts.offlineShare + 1e-9);
    const offlinePlan: OfflinePeriod[] = chosen.map((i, k) => {
      const minutes = chosen.length === 1 ? 30 : 0.5 + (29.5 * k) / Math.max(1, chosen.length - 1);
      return { i, at: start + toRun(0.1 + 0.6 * Math.random()), durMs: toRun((minutes * 60_000) / dayMs), minutes };
    });

    const madeIds = async () => (await orLost(Promise.all(pool.map((w) => w.call({ method: 'madeIds' }))))).flat();
    const faults = runFaults({
      opts,
      desktops,
      workers,
      ...(proxy ? { relay: { proxy, desks: relayDesks } } : {}),
      natsPids,
      dataDir,
      sql,
      madeIds,
      start,
      runMs,
      event,
    }).finally(() => {
      for (const w of pool) w.tell({ type: 'faultsOver' });
    });

    const progress = setInterval(() => {
      void Promise.all(pool.map((w) => w.call({ method: 'progress' })))
        .then((all) => {
          const sends = all.reduce((n, p) => n + p.sends, 0);
          const samples = all.reduce((n, p) => n + p.samples, 0);
          const pending = all.flatMap((p) => p.pending);
          const online = ops.filter((_, i) => workers.state(i).online).length;
          const stuck = pending
            .filter((p) => p.n > 0)
            .map((p) => `#${p.i + 1}:${p.n}${!workers.state(p.i).offline && workers.state(p.i).online ? '' : ' off'}`);
          log(
            `  … ${sends} sends, ${samples} convergence samples, ${online}/${desktops} online, ${pending.reduce((n, p) => n + p.n, 0)} rows waiting${stuck.length && stuck.length <= 8 ? ` (${stuck.join(', ')})` : ''}`,
          );
        })
        .catch(() => {});
    }, 10_000);
    progress.unref();
    cleanups.push(async () => clearInterval(progress));

    // Hot chats and a Poisson rate per operator (operator.ts); 200 edits of the hot template in a day's sends.
    const sendsPerEdit = Math.max(1, Math.round(opts.sendsPerDay / Math.max(1, opts.templateEditsPerDay ?? 200)));
    const meanMs = (runMs / opts.sendsPerDay) * desktops;
    const [, faultFigures] = await orLost(
      Promise.all([
        Promise.all(
          pool.map((w) =>
            w.call({
              method: 'day',
              end,
              hot,
              meanMs,
              chats: opts.chats,
              sendsPerEdit,
              offline: offlinePlan.filter((p) => w.desks.includes(p.i)),
            }),
          ),
        ),
        faults,
      ]),
    );
    const daySends = (await madeIds()).length;
    event(`day over: ${daySends} sends`);
    const finished = await orLost(Promise.all(pool.map((w) => w.call({ method: 'finish', ms: 180_000 }))));
    event(`journals drained: ${finished.reduce((n, f) => n + f.settled, 0)}/${desktops}`);
    clearInterval(progress);
    const stats = components.stop();
    const figures: ResultOf<'results'>[] = await orLost(Promise.all(pool.map((w) => w.call({ method: 'results' }))));
    const madeAll = figures.flatMap((f) => f.made);
    const ids = madeAll.map((m) => m.id);

    // Every send on every desktop: each view holds the newest 2000, so this is checked when the day fits.
    let unseen = 0;
    if (ids.length <= 2000) {
      let missing: { i: number; n: number }[] = [];
      const probe = async () => void (missing = (await orLost(Promise.all(pool.map((w) => w.call({ method: 'unseen', ids }))))).flat());
      await probe();
      const first = missing.filter((m) => m.n > 0).map((m) => `#${m.i + 1}:${m.n}`);
      const lookedAt = Date.now();
      await waitUntil(() => missing.every((m) => m.n === 0), 120_000, 'every desktop to see every send', probe);
      unseen = missing.reduce((n, m) => n + m.n, 0);
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
      async () => void (inProjection = await projected(sql, ids)),
    );
    const made: MadeSend[] = madeAll.map((m) => ({ id: m.id, operatorId: operatorIds.get(m.i) ?? '', finalStatus: 'sent' }));
    const record = await readServerRecord(server.apiUrl, ops[0]!, [hot]);
    if (record.unreadable) event(`${record.unreadable} messages on the server no schema could read`);
    const ackedEdits = figures.flatMap((f) => f.ackedEdits);
    const inv = invariantsOf(made, record, await readProjection(sql, 'sim'), { templateId: hot, acked: ackedEdits });

    const lags = figures.flatMap((f) => f.lags).sort((a, b) => a - b);
    const drains = figures.flatMap((f) => f.drains);
    const drainMs = drains.map((d) => d.ms).sort((a, b) => a - b);
    const longest = [...drains].sort((a, b) => b.offlineDayMs - a.offlineDayMs)[0];
    const sum = (pick: (f: ResultOf<'results'>) => number) => figures.reduce((n, f) => n + pick(f), 0);
    const workerFigures = figures.map((f, n) => ({
      worker: n + 1,
      desktops: pool[n]!.desks.length,
      loopDelay: f.loopDelay,
      cpuSeconds: f.cpuSeconds,
    }));
    const worst = (pick: (d: LoopDelay) => number) => Math.max(...figures.map((f) => pick(f.loopDelay)));
    return {
      options: opts,
      processes: pool.length,
      sends: ids.length,
      convergence: { samples: lags.length, p50: pct(lags, 50), p95: pct(lags, 95), p99: pct(lags, 99), max: lags.at(-1) ?? 0 },
      workers: workerFigures,
      desktopsLoopDelay: { p50: worst((d) => d.p50), p99: worst((d) => d.p99), max: worst((d) => d.max) },
      coordinatorLoopDelay: {
        p50: coordinatorLoop.percentile(50) / 1e6,
        p99: coordinatorLoop.percentile(99) / 1e6,
        max: coordinatorLoop.max / 1e6,
      },
      drains: {
        count: drains.length,
        backlogMax: Math.max(0, ...drains.map((d) => d.backlog)),
        p50: pct(drainMs, 50),
        max: drainMs.at(-1) ?? 0,
        longestOfflineDayMinutes: longest ? longest.offlineDayMs / 60_000 : 0,
        backlogOfLongest: longest?.backlog ?? 0,
        drainOfLongest: longest?.ms ?? 0,
      },
      claims: {
        granted: sum((f) => f.claims.granted),
        refused: sum((f) => f.claims.refused),
        soft: sum((f) => f.claims.soft),
        softRefused: sum((f) => f.softRefused),
        onlineDoubleClaims: inv.onlineDoubleClaims,
      },
      templates: {
        edits: sum((f) => f.templates.edits),
        conflictsAsked: sum((f) => f.templates.conflictsAsked),
        gaveUp: sum((f) => f.templates.gaveUp),
        lostEdits: inv.lostEdits,
      },
      duplicatedSends: inv.duplicatedSends,
      missingSends: inv.missingSends,
      staleSends: inv.staleSends,
      missingInProjection: inv.missingInProjection,
      unseen,
      connectionFaults: faultFigures.connectionFaults,
      restarts: faultFigures.restarts,
      events,
      components: stats,
      wallSeconds: (Date.now() - t0) / 1000,
      loadAverage: loadavg(),
      loadAverageBefore: loadBefore,
    };
  } finally {
    await stopAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
