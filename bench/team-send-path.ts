import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { postgresMissing, startTeamServer, teamBuildMissing, type TeamServer } from '../e2e/team-server.ts';
import { deskReplySchema, type DeskCommand, type DeskReply } from './send-path-desk.ts';
import type { SimProcess } from './sims.ts';
import { stats, type Stats } from './stats.ts';

/**
 * Issue 15's send-path target: "the desktop's send path costs no more than today". The same sends
 * as the send-overhead figure, through three desktops' hosts in processes of their own, taking
 * turns one send at a time so all see the same machine state: two with team mode off (today's
 * desktop, twice, which measures the noise between two identical desktops) and one signed in to a
 * real local team server (its own process: PostgreSQL, nats-server, the API), while a colleague of
 * the same team publishes sends the team-on desktop follows. The order inside each round rotates,
 * so no desktop always goes first after the simulators were idle.
 */
export interface SendPathResult {
  provider: string;
  off: Stats;
  on: Stats;
  /** The two team-off desktops apart: what this machine's noise between identical desktops is. */
  noiseP50: number;
  noiseP95: number;
}

export interface TeamSendPathReport {
  results: SendPathResult[];
  /** Sends the team-on desktop made while its team link was not live (0, or the figure means nothing). */
  offlineSends: number;
  /** The team-on desktop's journal was empty after the run: every send reached the team server. */
  journalEmpty: boolean;
  colleaguePublished: number;
  /** The colleague's last record reached the team-on desktop's view: it followed the traffic to the end. */
  colleagueFollowed: boolean;
  colleagueRate: number;
  /** The team-on desktop's journal writes that ran while one of its sends was in flight, per send. */
  uplinkInSend: Stats;
  /** Share of the time each desktop's event loop was busy over the run (team off: the two desktops' mean). */
  busyOn: number;
  busyOff: number;
}

interface Desk {
  name: string;
  ask(cmd: DeskCommand): Promise<DeskReply>;
  /** Asks the desk to close its host (its temp directory goes with it); killed if it has not exited within 10 s. */
  close(): Promise<void>;
}

function startDesk(name: string): Desk {
  // Its own process group, so a Ctrl+C reaches this process alone, which then closes each desk in turn (its host, its temp directory).
  const proc: ChildProcess = fork(join(import.meta.dirname, 'send-path-desk.ts'), [], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    detached: true,
  });
  let waiting: { resolve(r: DeskReply): void; reject(e: Error): void } | undefined;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.on('message', (raw) => {
    const r = deskReplySchema.parse(raw);
    const w = waiting;
    waiting = undefined;
    if (r.kind === 'error') w?.reject(new Error(`${name}: ${r.message}`));
    else w?.resolve(r);
  });
  proc.once('exit', (code, signal) => {
    const w = waiting;
    waiting = undefined;
    w?.reject(new Error(`${name} exited (${signal ?? code})`));
  });
  return {
    name,
    ask: (cmd) =>
      new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        proc.send(cmd);
      }),
    async close() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      // The desk closes its host and exits when its channel to this process closes.
      if (proc.connected) proc.disconnect();
      const late = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(late);
    },
  };
}

async function sent(desk: Desk, cmd: DeskCommand): Promise<{ ms: number; online: boolean; uplinkMs: number }> {
  const r = await desk.ask(cmd);
  if (r.kind !== 'sent') throw new Error(`${desk.name}: expected a send, got ${r.kind}`);
  return r;
}

/** Why the figure cannot be measured on this machine, or undefined when it can. */
export function teamSendPathMissing(): string | undefined {
  return postgresMissing() ?? teamBuildMissing();
}

export async function benchTeamSendPath(sims: SimProcess, n: number, colleagueRate: number): Promise<TeamSendPathReport> {
  const desks: Desk[] = [];
  let server: TeamServer | undefined;
  let closing: Promise<void> | undefined;
  const cleanUp = () =>
    (closing ??= (async () => {
      await Promise.all(desks.map((d) => d.close()));
      await server?.stop();
    })());
  // Ctrl+C or a SIGTERM mid-run: the desks, PostgreSQL, nats-server and their temp directories go before this process does.
  const interrupted = (signal: NodeJS.Signals) => void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    server = await startTeamServer();
    const pOn = await server.addOperator('anna', 'Anna', 'support');
    const pColleague = await server.addOperator('boris', 'Boris', 'support');
    const offA = startDesk('team-off A');
    const offB = startDesk('team-off B');
    const on = startDesk('team-on');
    const colleague = startDesk('colleague');
    desks.push(offA, offB, on, colleague);
    const simUrls = { urls: { greenapi: sims.urls.greenapi, pachca: sims.urls.pachca }, token: sims.token };
    await Promise.all([
      offA.ask({ kind: 'setup', role: 'desk', name: 'off-a', sims: simUrls, chatBase: 10_000 }),
      offB.ask({ kind: 'setup', role: 'desk', name: 'off-b', sims: simUrls, chatBase: 20_000 }),
      on.ask({
        kind: 'setup',
        role: 'desk',
        name: 'on',
        sims: simUrls,
        chatBase: 30_000,
        team: { apiUrl: server.apiUrl, login: 'anna', password: pOn },
      }),
    ]);
    await colleague.ask({
      kind: 'setup',
      role: 'colleague',
      name: 'colleague',
      sims: simUrls,
      rate: colleagueRate,
      team: { apiUrl: server.apiUrl, login: 'boris', password: pColleague },
    });

    const results: SendPathResult[] = [];
    let offlineSends = 0;
    const uplinkInSend: number[] = [];
    const warm = Math.min(200, n);
    const turns = [offA, on, offB];
    for (const provider of ['greenapi', 'pachca'] as const) {
      const times = new Map<Desk, number[]>(turns.map((d) => [d, []]));
      for (let i = 0; i < n + warm; i++) {
        for (let k = 0; k < turns.length; k++) {
          const desk = turns[(i + k) % turns.length]!;
          const r = await sent(desk, { kind: 'send', provider, i });
          if (desk === on && !r.online) offlineSends++;
          if (i < warm) continue;
          times.get(desk)!.push(r.ms);
          if (desk === on) uplinkInSend.push(r.uplinkMs);
        }
      }
      const a = stats(times.get(offA)!);
      const b = stats(times.get(offB)!);
      results.push({
        provider,
        off: stats([...times.get(offA)!, ...times.get(offB)!]),
        on: stats(times.get(on)!),
        noiseP50: Math.abs(a.p50 - b.p50),
        noiseP95: Math.abs(a.p95 - b.p95),
      });
    }
    const published = await colleague.ask({ kind: 'drained' });
    if (published.kind !== 'drained') throw new Error('the colleague did not report what it published');
    const seen = await on.ask({ kind: 'drained', ...(published.last ? { colleagueLast: published.last } : {}) });
    if (seen.kind !== 'drained') throw new Error('the team-on desktop did not report its drain');
    const busyOff = await Promise.all([offA, offB].map((d) => d.ask({ kind: 'drained' })));
    return {
      results,
      offlineSends,
      journalEmpty: seen.journalEmpty,
      colleaguePublished: published.published,
      colleagueFollowed: seen.followed,
      colleagueRate,
      uplinkInSend: stats(uplinkInSend),
      busyOn: seen.busy,
      busyOff: busyOff.reduce((sum, r) => sum + (r.kind === 'drained' ? r.busy : NaN), 0) / busyOff.length,
    };
  } finally {
    await cleanUp();
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
}

/**
 * The smallest difference counted as a cost: below it two team-off desktops in the same run differ
 * as much by chance. The measured noise between them is the tolerance; this floor keeps a run in
 * which the two happened to agree closely from demanding more than the timer and scheduler can tell.
 */
export const noiseFloorMs = 0.05;

/** The whole team's sends a second in the full-load simulation (50 operators × 500 sends in 5 minutes): the colleague's pace. */
export const fullLoadTeamRate = 83;

type Row = (figure: string, value: string, target: string, met: boolean | undefined) => void;

/** The figure's rows: per provider the team-on and team-off send times and their difference, then whether team mode really ran. */
export function teamSendPathRows(report: TeamSendPathReport, smoke: boolean, row: Row, fmt: (ms: number) => string): void {
  const signed = (ms: number) => `${ms >= 0 ? '+' : ''}${fmt(ms)}`;
  for (const r of report.results) {
    const d50 = r.on.p50 - r.off.p50;
    const d95 = r.on.p95 - r.off.p95;
    const tol50 = Math.max(r.noiseP50, noiseFloorMs);
    const tol95 = Math.max(r.noiseP95, noiseFloorMs);
    row(
      `Send path with team mode on, ${r.provider}, ${r.on.n} sends a desktop (team on p50 ${fmt(r.on.p50)} / p95 ${fmt(r.on.p95)} ms; team off p50 ${fmt(r.off.p50)} / p95 ${fmt(r.off.p95)} ms; two team-off desktops apart p50 ${fmt(r.noiseP50)} / p95 ${fmt(r.noiseP95)} ms; a colleague publishing ${report.colleagueRate} sends/s)`,
      `${signed(d50)} ms p50, ${signed(d95)} ms p95`,
      `no more than without team mode (within the two team-off desktops' difference, at least ${noiseFloorMs} ms: p50 ≤ +${fmt(tol50)}, p95 ≤ +${fmt(tol95)})`,
      smoke ? undefined : d50 <= tol50 && d95 <= tol95,
    );
  }
  const sends = report.results.reduce((n, r) => n + r.on.n, 0);
  row(
    `The team-on desktop in that run (${sends} measured sends; the colleague published ${report.colleaguePublished}): sends made while its team link was not live / its journal after the run / the colleague's last send in its team view`,
    `${report.offlineSends} / ${report.journalEmpty ? 'empty' : 'not empty'} / ${report.colleaguePublished === 0 ? 'none published' : report.colleagueFollowed ? 'seen' : 'not seen'}`,
    '0 / empty (every send reached the team server) / seen',
    report.offlineSends === 0 && report.journalEmpty && report.colleagueFollowed,
  );
  const pct = (x: number) => `${(100 * x).toFixed(0)} %`;
  row(
    `Where team mode's cost can show: the team-on desktop's journal writes while one of its sends was in flight (p95 ${fmt(report.uplinkInSend.p95)} ms; max ${fmt(report.uplinkInSend.max)} ms) / its event loop busy, team on vs off`,
    `${fmt(report.uplinkInSend.p50)} ms p50 / ${pct(report.busyOn)} vs ${pct(report.busyOff)}`,
    'report',
    undefined,
  );
}

// `node bench/team-send-path.ts [--smoke] [--sends=N] [--colleague-rate=R]`: this figure alone, with simulators of its own
// (a rate of 0 leaves the colleague signed in but silent: what the desktop's own uplink costs, without following anyone).
if (import.meta.main) {
  const { startSimProcess } = await import('./sims.ts');
  const { fmt } = await import('./stats.ts');
  const smoke = process.argv.includes('--smoke');
  const missing = teamSendPathMissing();
  if (missing) {
    console.error(`team send path not measured: ${missing}`);
    process.exit(1);
  }
  const sims = await startSimProcess();
  try {
    const n = Number(process.argv.find((a) => a.startsWith('--sends='))?.slice('--sends='.length) ?? (smoke ? 30 : 1000));
    const rate = Number(
      process.argv.find((a) => a.startsWith('--colleague-rate='))?.slice('--colleague-rate='.length) ?? (smoke ? 20 : fullLoadTeamRate),
    );
    const report = await benchTeamSendPath(sims, n, rate);
    teamSendPathRows(
      report,
      smoke,
      (figure, v, target, met) => console.log(`${met === false ? 'MISSED' : met ? 'met' : ''}\t${figure} = ${v} (target ${target})`),
      (ms) => fmt(ms),
    );
  } finally {
    await sims.stop();
  }
}
