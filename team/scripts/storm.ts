import { parseArgs } from 'node:util';
import { runStorm, stormReport } from '../src/sim/storm.ts';

/**
 * `npm run team:storm` — nats-server killed (SIGKILL) under N connected desktops, again and again:
 * how long until every link is live, every journal drained and every view caught up (storm.ts says
 * what each figure is). `--desktops 50 --rounds 5 --rate 25` unless told.
 */
const { values } = parseArgs({
  options: {
    desktops: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '5' },
    rate: { type: 'string', default: '25' },
    quiet: { type: 'string', default: '8' },
  },
});
const res = await runStorm({
  desktops: Number(values.desktops),
  rounds: Number(values.rounds),
  sendsPerSecond: Number(values.rate),
  quietMs: Number(values.quiet) * 1000,
  log: (l) => console.log(l),
});
console.log(stormReport(res));
