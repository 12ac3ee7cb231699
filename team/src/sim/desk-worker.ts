import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createDesk, stateOf, type Desk } from './desktop.ts';
import { emptyTally, offlinePeriod, operator, type Day } from './operator.ts';
import { toWorkerSchema, type Call, type FromWorker, type Method, type ResultOf } from './worker-protocol.ts';

/**
 * A desk worker: a child process of the simulation's coordinator running some of the simulated
 * desktops and their operators' day. It answers the coordinator's calls (worker-protocol.ts), tells it
 * when a desktop goes live or not live, and measures convergence, drains and its own event loop.
 * It stops — closing every desktop's connection — when the coordinator says so, on SIGINT/SIGTERM,
 * and when the coordinator is gone (the IPC channel closes, even after a SIGKILL).
 */
// Nothing is said once the coordinator has closed the channel (an answer still in flight when it stopped us).
const send = (m: FromWorker) => {
  if (process.connected) process.send?.(m);
};
const desks = new Map<number, Desk>();
const lags: number[] = [];
const tally = emptyTally();
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
let faultsOver = false;
let apiUrl = '';
let dayCpu = process.cpuUsage();
let dayCpuSeconds = 0;
let offlineTasks: Promise<void>[] = [];

const stateChanged = (d: Desk) => send({ type: 'desk', state: stateOf(d) });
const event = (text: string) => send({ type: 'event', text });
const deskOf = (i: number) => {
  const d = desks.get(i);
  if (!d) throw new Error(`desktop ${i + 1} is not in this worker`);
  return d;
};
const all = () => [...desks.values()];
const ms = (nanoseconds: number) => nanoseconds / 1e6;

async function answer(c: Call): Promise<ResultOf<Method>> {
  switch (c.method) {
    case 'init':
      apiUrl = c.apiUrl;
      for (const { i, behindRelay } of c.desks)
        desks.set(
          i,
          createDesk(i, join(c.root, `desk${i}`), behindRelay ? c.relayUrl : null, (lag) => lags.push(lag), stateChanged),
        );
      return null;
    case 'connect':
      await deskOf(c.i).uplink.connect(apiUrl, c.login, c.password);
      return null;
    case 'operatorIds':
      return all().map((d) => ({ i: d.i, id: d.uplink.currentLink?.operator.id ?? '' }));
    case 'createTemplate': {
      const r = await deskOf(c.i).uplink.saveTemplate({ id: c.id, name: 'Hot', body: 'Здравствуйте!', baseVersion: 0 });
      return r.ok;
    }
    case 'day': {
      // Measured from the day's start: the sign-ins before it are not the desktops' steady work.
      loopDelay.reset();
      loopDelay.enable();
      dayCpu = process.cpuUsage();
      const day: Day = { ...c, faultsOver: () => faultsOver };
      offlineTasks = c.offline.map((p) => offlinePeriod(deskOf(p.i), p, tally, stateChanged, event));
      await Promise.all(all().map((d) => operator(d, day, tally)));
      return null;
    }
    case 'finish': {
      await Promise.all(offlineTasks);
      for (const d of all()) d.uplink.currentLink?.goOnline();
      const settled = await Promise.all(all().map((d) => d.uplink.settled(c.ms)));
      loopDelay.disable();
      const used = process.cpuUsage(dayCpu);
      dayCpuSeconds = (used.user + used.system) / 1e6;
      return { settled: settled.filter(Boolean).length, desks: desks.size };
    }
    case 'pending':
      return c.desks.map((i) => deskOf(i).uplink.status().pending);
    case 'settled':
      return (await deskOf(c.i).uplink.settled(c.ms)) ? Date.now() : null;
    case 'progress':
      return {
        sends: tally.made.length,
        samples: lags.length,
        pending: all().map((d) => ({ i: d.i, n: d.uplink.status().pending })),
      };
    case 'madeIds':
      return tally.made.map((m) => m.id);
    case 'unseen': {
      return all().map((d) => {
        const have = new Set((d.uplink.currentLink?.view().sends ?? []).map((x) => x.id));
        return { i: d.i, n: c.ids.filter((id) => !have.has(id)).length };
      });
    }
    case 'results':
      return {
        lags,
        drains: tally.drains,
        claims: tally.claims,
        templates: tally.templates,
        ackedEdits: tally.ackedEdits,
        made: tally.made,
        softRefused: all().reduce((n, d) => n + d.uplink.conflicts().filter((x) => x.kind === 'claim_refused').length, 0),
        cpuSeconds: dayCpuSeconds,
        loopDelay: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) },
      };
  }
}

let stopping: Promise<void> | undefined;
function stop(code: number) {
  if (stopping) return;
  // A close that hangs (a connection stuck on a dead peer) must not keep the worker past its coordinator.
  setTimeout(() => process.exit(code), 10_000).unref();
  stopping = Promise.all(all().map((d) => d.uplink.close().catch(() => {}))).then(() => process.exit(code));
}

process.on('message', (raw) => {
  const m = toWorkerSchema.safeParse(raw);
  if (!m.success) {
    event(`a message the worker could not read: ${m.error.message.slice(0, 200)}`);
    return;
  }
  if (m.data.type === 'faultsOver') {
    faultsOver = true;
    return;
  }
  const { id, call } = m.data;
  answer(call).then(
    (value) => send({ type: 'reply', id, value }),
    (e: unknown) => send({ type: 'failed', id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
// The coordinator closes the channel to stop the worker; it also closes when the coordinator is gone
// (it ended, or was killed): nothing of the run may outlive it.
process.on('disconnect', () => stop(0));
process.on('SIGINT', () => stop(130));
process.on('SIGTERM', () => stop(143));
