import type { LoopDelay, SimResults } from './results.ts';

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
const delay = (d: LoopDelay) => `${d.p50.toFixed(0)} / ${d.p99.toFixed(0)} / ${d.max.toFixed(0)} ms`;
const load = (l: readonly number[]) => l.map((x) => x.toFixed(1)).join(' / ');
const ms = (n: number) => (Number.isFinite(n) ? `${Math.round(n)} ms` : 'did not drain');

/** bench/team-results.md: the figures against the issue's targets, and what was and was not simulated. */
export function reportOf(r: SimResults, when: Date): string {
  const o = r.options;
  const pass = (ok: boolean) => (ok ? 'met' : '**missed**');
  return `# Team simulation results

Written by \`npm run team:sim\` on ${when.toISOString()} (wall ${r.wallSeconds.toFixed(0)} s) on a 2-core machine; load average
before the run ${load(r.loadAverageBefore)} (what ran in the minutes before it), at its end ${load(r.loadAverage)} (the run's own processes included).

Load: ${o.operators} operators × ${Math.round(o.sendsPerDay / o.operators)} sends a day (${o.sendsPerDay} in all), one day compressed into
${o.minutes} min; ${o.chats} chats, a fifth of the traffic on ten hot ones; each answer claims the chat first and
releases it after; one hot template edited by everyone; ${Math.round(o.offlineShare * 100)} % of operators offline once for
30 s … 30 min of the day; ${o.killNats ? 'nats-server killed with SIGKILL at 30 % of the day' : 'no nats-server kill'};
${o.connectionFaults ? `a dropped connection at 15 % and a stalled one (open, silent for ${o.stallMs / 1000} s) at 50 % for the desktops behind a TCP relay` : 'no connection faults'};
${o.restartPostgres ? 'PostgreSQL restarted at 70 %' : 'no PostgreSQL restart'}. Faults run one after another (each waits for
the last to be over), and the day goes on until they are.

| figure | value | target |
| --- | --- | --- |
| sends made (offered by the plan: ${o.sendsPerDay}) | ${r.sends} (${((100 * r.sends) / o.sendsPerDay).toFixed(0)} % of the plan; arrivals follow the plan on the clock, an answer waits for its claim, and a chat someone else holds is not answered: see the claims refused) | |
| convergence p50 / p95 / p99 / max (commit on one desktop → seen on each other live desktop; ${r.convergence.samples} pairs) | ${r.convergence.p50} / ${r.convergence.p95} / ${r.convergence.p99} / ${r.convergence.max} ms | p95 ≤ 1000 ms ${pass(r.convergence.p95 <= 1000)}, p99 ≤ 3000 ms ${pass(r.convergence.p99 <= 3000)} |
| the desktops' event loops (${r.processes} worker processes): callbacks late by p50 / p99 / max in the worst worker (part of every convergence sample measured there; a real desktop runs alone) | ${delay(r.desktopsLoopDelay)} | |
${r.workers.map((w) => `| … worker ${w.worker} (${w.desktops} desktops; ${w.cpuSeconds.toFixed(0)} CPU s in the day) | ${delay(w.loopDelay)} | |`).join('\n')}
| the coordinator's event loop (fault relay, plan, the workers' messages) | ${delay(r.coordinatorLoopDelay)} | |
| reconnect drains | ${r.drains.count}; largest backlog ${r.drains.backlogMax} rows; drain p50 ${ms(r.drains.p50)}, max ${ms(r.drains.max)} | |
| longest offline period (${r.drains.longestOfflineDayMinutes.toFixed(1)} min of the day) | backlog ${r.drains.backlogOfLongest} rows drained in ${ms(r.drains.drainOfLongest)} | ≤ 30 s ${pass(r.drains.drainOfLongest <= 30_000)} |
| claims granted / refused (online) | ${r.claims.granted} / ${r.claims.refused} | |
| claims made offline (soft) / refused on reconnect (shown as conflicts) | ${r.claims.soft} / ${r.claims.softRefused} | |
| online double claims (from the AUDIT stream, in the order the service decided them) | ${r.claims.onlineDoubleClaims} | 0 ${pass(r.claims.onlineDoubleClaims === 0)} |
| template edits saved / asked to merge / given up after 6 tries | ${r.templates.edits} / ${r.templates.conflictsAsked} / ${r.templates.gaveUp} | |
| lost template edits (a saved edit missing from the final text in the templates bucket) | ${r.templates.lostEdits} | 0 ${pass(r.templates.lostEdits === 0)} |
| duplicated sends (a record stored twice in the SENDS stream, or a send stored or audited twice in PostgreSQL) | ${r.duplicatedSends} | 0 ${pass(r.duplicatedSends === 0)} |
| sends missing on the server after every journal drained: from the SENDS stream / at an older status there / from PostgreSQL's projection | ${r.missingSends} / ${r.staleSends} / ${r.missingInProjection} | 0 ${pass(r.missingSends + r.staleSends + r.missingInProjection === 0)} |
| (send, desktop) pairs never shown | ${r.sends <= 2000 ? r.unseen : "not checked (more sends than a desktop's view of 2000)"} | 0 |
${r.connectionFaults
  .map(
    (f) =>
      `| ${f.kind} connection: noticed / live again after the network came back / backlog drained | ${ms(f.detectedMs)} / ${ms(f.reconnectedMs)} / ${f.backlog} rows in ${ms(f.drainedMs)} | drain ≤ 30 s ${pass(f.drainedMs <= 30_000)} |`,
  )
  .join('\n')}
${r.restarts
  .map((x) =>
    x.projectedMs === undefined
      ? `| ${x.what}: every desktop live again / every journal empty | ${ms(x.allLiveMs)} / ${ms(x.drainedMs)} | |`
      : `| ${x.what}: PostgreSQL's projection holding every earlier send / every desktop live / every journal empty | ${ms(x.projectedMs)} / ${ms(x.allLiveMs)} / ${ms(x.drainedMs)} | |`,
  )
  .join('\n')}

CPU (average, % of one core; and CPU seconds per 100 sends made, which a busy machine does not inflate)
and peak memory per component:

| component | CPU | CPU s per 100 sends | peak RSS |
| --- | --- | --- | --- |
${Object.entries(r.components)
  .map(
    ([name, c]) =>
      `| ${name} | ${c.cpuPercentAvg.toFixed(0)} % | ${r.sends ? ((100 * c.cpuSeconds) / r.sends).toFixed(2) : '–'} | ${mb(c.rssPeakBytes)} |`,
  )
  .join('\n')}

Events:

${r.events.map((e) => `- ${e}`).join('\n')}

Offline periods close the desktop's NATS connection and open it again; the dropped and the stalled
connection are real network faults made by a TCP relay between some desktops and nats-server
(\`fault-proxy.ts\`): a drop resets the sockets, a stall keeps them open and carries nothing, so only the
NATS client's own ping notices it. The desktops are the real uplink (journal, NATS link, claims, templates)
over an in-memory history, ${r.processes} worker processes of ${Math.ceil(o.operators / r.processes)} desktops at most; each
convergence sample is taken in the receiving desktop's worker from the send's own createdAt (one machine
clock), and includes that worker's scheduling delay on a loaded machine. The invariants are read from what the server keeps: the SENDS and
AUDIT streams whole (every stored message, not a desktop's fold of them), the templates bucket, and
PostgreSQL's projection of the streams (\`server-record.ts\`, \`invariants.ts\`).
`;
}
