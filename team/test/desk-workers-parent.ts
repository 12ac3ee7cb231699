import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDeskWorkers } from '../src/sim/desk-workers.ts';

/**
 * A stand-in coordinator for desk-workers.test.ts: starts two desk workers with a desktop each, has each
 * desktop sign in to the team server at argv[2] (one that never answers, so the sign-in holds the worker's
 * event loop open like a live link does), prints their pids and waits — to be killed with SIGKILL, so it
 * cannot stop them itself.
 */
const root = mkdtempSync(join(tmpdir(), 'desk-workers-'));
const workers = startDeskWorkers(
  2,
  2,
  () => {},
  () => {},
);
await Promise.all(
  workers.workers.map((w) =>
    w.call({ method: 'init', apiUrl: process.argv[2]!, relayUrl: null, root, desks: w.desks.map((i) => ({ i, behindRelay: false })) }),
  ),
);
for (const w of workers.workers)
  for (const i of w.desks) void w.call({ method: 'connect', i, login: `op${i}`, password: 'never checked' }).catch(() => {});
await new Promise((r) => setTimeout(r, 500));
console.log(JSON.stringify({ pids: workers.pids(), root }));
setInterval(() => {}, 60_000);
