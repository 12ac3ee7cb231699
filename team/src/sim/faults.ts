import type postgres from 'postgres';
import { restartCluster } from '../postgres-cluster.ts';
import type { DeskWorkers } from './desk-workers.ts';
import type { FaultProxy } from './fault-proxy.ts';
import type { ConnectionFault, Restart, SimOptions } from './results.ts';
import { waitUntilWith } from './wait-until.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface FaultPlan {
  opts: SimOptions;
  desktops: number;
  workers: DeskWorkers;
  /** The desktops that reach nats-server through the relay (none without connection faults). */
  relay?: { proxy: FaultProxy; desks: number[] };
  /** The one nats-server under the team server. */
  natsPids: () => number[];
  dataDir: string;
  sql: postgres.Sql;
  /** The sends made so far, from every worker. */
  madeIds: () => Promise<string[]>;
  /** The day's start and length (wall time). */
  start: number;
  runMs: number;
  event: (text: string) => void;
}

/** Rows of PostgreSQL's projection for these sends, once it answers again (-1 while it does not). */
export async function projected(sql: postgres.Sql, ids: readonly string[]): Promise<number> {
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

/**
 * The day's faults, one after another in the day's order: a dropped connection at 15 % for the
 * desktops behind the relay, nats-server killed at 30 %, a stalled connection at 50 %, PostgreSQL
 * restarted at 70 %. Each waits for the last to be over, so a short run does not pile them on top of
 * each other; each wait is bounded (a fault that never ends is recorded as never).
 */
export async function runFaults(p: FaultPlan): Promise<{ connectionFaults: ConnectionFault[]; restarts: Restart[] }> {
  const { opts, workers, event } = p;
  const connectionFaults: ConnectionFault[] = [];
  const restarts: Restart[] = [];
  const waitUntil = waitUntilWith(event);
  const everyDesk = Array.from({ length: p.desktops }, (_, i) => i);
  const online = (i: number) => workers.state(i).online;
  const live = (i: number) => !workers.state(i).offline && online(i);
  const at = async (dayFraction: number) => sleep(Math.max(0, p.start + p.runMs * dayFraction - Date.now()));
  const settledAt = (i: number, ms: number) =>
    workers
      .of(i)
      .call({ method: 'settled', i, ms })
      .then((t) => t ?? Number.POSITIVE_INFINITY);

  async function connectionFault(kind: 'dropped' | 'stalled', relay: NonNullable<FaultPlan['relay']>) {
    const t = Date.now();
    if (kind === 'dropped') relay.proxy.drop();
    else relay.proxy.stall();
    event(`${kind === 'dropped' ? 'connection dropped' : 'connection stalled (open, silent)'} for ${relay.desks.length} desktop(s)`);
    const detected = await Promise.all(
      // A desktop can notice and be back through the relay between two looks: its offlineSince says it noticed.
      relay.desks.map((i) =>
        waitUntil(() => !online(i) || workers.state(i).offlineSince >= t, 120_000, `a ${kind} connection to be noticed`),
      ),
    );
    if (kind === 'stalled') {
      await sleep(Math.max(0, t + opts.stallMs - Date.now()));
      relay.proxy.resume();
    }
    const back = Date.now();
    const backlogs = await Promise.all(relay.desks.map(async (i) => (await workers.of(i).call({ method: 'pending', desks: [i] }))[0]!));
    const reconnected = await Promise.all(
      relay.desks.map((i) => waitUntil(() => online(i), 180_000, `the desktop to reconnect after a ${kind} connection`)),
    );
    const drained = await Promise.all(relay.desks.map((i) => settledAt(i, 180_000)));
    relay.desks.forEach((i, k) =>
      connectionFaults.push({
        kind,
        detectedMs: Math.min(detected[k]!, workers.state(i).offlineSince || detected[k]!) - t,
        reconnectedMs: reconnected[k]! - back,
        backlog: backlogs[k]!,
        drainedMs: drained[k]! - back,
      }),
    );
    event(
      `${kind} connection: noticed after ${Math.max(...detected) - t} ms, live again ${Math.max(...reconnected) - back} ms after the network came back`,
    );
  }

  async function allLiveAndDrained(what: string, since: number, extra: Partial<Restart> = {}) {
    const liveAt = await waitUntil(
      () => everyDesk.every((i) => workers.state(i).offline || live(i)),
      300_000,
      `every desktop to be live after ${what}`,
    );
    const drained = await Promise.all(everyDesk.filter((i) => !workers.state(i).offline).map((i) => settledAt(i, 180_000)));
    const drainedAt = Math.max(Date.now(), ...drained);
    restarts.push({ what, allLiveMs: liveAt - since, drainedMs: drainedAt - since, ...extra });
    event(`${what}: every desktop live after ${liveAt - since} ms, journals empty after ${drainedAt - since} ms`);
  }

  if (p.relay) {
    await at(0.15);
    await connectionFault('dropped', p.relay);
  }
  if (opts.killNats) {
    await at(0.3);
    const [pid, ...more] = p.natsPids();
    if (!pid || more.length) throw new Error(`expected one nats-server under the team server, found ${more.length + (pid ? 1 : 0)}`);
    const t = Date.now();
    process.kill(pid, 'SIGKILL');
    event('nats-server killed (SIGKILL); the team server starts it again');
    // The desktops hear the connection close at once; a kill they never notice would cost them nothing.
    await waitUntil(() => everyDesk.some((i) => !workers.state(i).offline && !live(i)), 10_000, 'the kill to be noticed');
    await allLiveAndDrained('nats-server killed', t);
  }
  if (p.relay) {
    await at(0.5);
    await connectionFault('stalled', p.relay);
  }
  if (opts.restartPostgres) {
    await at(0.7);
    const before = await p.madeIds();
    const t = Date.now();
    const mode = await restartCluster(p.dataDir);
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
      async () => void (n = await projected(p.sql, before)),
    );
    await allLiveAndDrained('PostgreSQL restarted', t, { projectedMs: caughtUp - t });
  }
  return { connectionFaults, restarts };
}
