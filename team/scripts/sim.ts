import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { reportOf } from '../src/sim/report.ts';
import { runSim } from '../src/sim/coordinator.ts';

/**
 * `npm run team:sim` — the full day: 50 operators × 500 sends, compressed into --minutes (default 10).
 * `npm run team:sim -- --operators 4 --minutes 1` for a quick look. Writes bench/team-results.md.
 * `--faults none` leaves out the offline periods, restarts and connection faults: the steady load alone,
 * for measuring what a send costs each component; `--faults offline` keeps only the offline periods
 * (the drain after reconnecting) without the restarts and connection faults. `--template-edits` is the
 * day's edits of the hot template (200 at full load: a run at a fraction of it should pass that fraction).
 * `--processes` is how many worker processes the desktops are spread over (5; 1 puts them all on one event loop).
 */
const { values } = parseArgs({
  options: {
    operators: { type: 'string', default: '50' },
    processes: { type: 'string', default: '5' },
    'sends-per-operator': { type: 'string', default: '500' },
    minutes: { type: 'string', default: '10' },
    faults: { type: 'string', default: 'all' },
    'template-edits': { type: 'string', default: '200' },
    out: { type: 'string', default: join(import.meta.dirname, '..', '..', 'bench', 'team-results.md') },
  },
});
const operators = Number(values.operators);
const processes = Number(values.processes);
if (!Number.isInteger(processes) || processes < 1) throw new Error('--processes is a whole number of worker processes, 1 or more');
if (!['all', 'offline', 'none'].includes(values.faults)) throw new Error('--faults is all, offline or none');
const faults = values.faults === 'all';
const r = await runSim({
  operators,
  sendsPerDay: operators * Number(values['sends-per-operator']),
  minutes: Number(values.minutes),
  processes,
  offlineShare: values.faults === 'none' ? 0 : 0.2,
  killNats: faults,
  restartPostgres: faults,
  connectionFaults: faults,
  stallMs: 20_000,
  chats: 300,
  templateEditsPerDay: Number(values['template-edits']),
  log: (l) => console.log(l),
});
const md = reportOf(r, new Date());
writeFileSync(values.out, md);
console.log(md);
