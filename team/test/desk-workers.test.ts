import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';
import { startDeskWorkers, type DeskWorkers } from '../src/sim/desk-workers.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function gone(pids: readonly number[], ms: number) {
  const until = Date.now() + ms;
  while (pids.some(alive) && Date.now() < until) await sleep(50);
  return pids.filter(alive);
}

let started: DeskWorkers | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await started?.stop(5_000);
  started = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function workersFor(desktops: number, processes: number, lost: Error[] = []) {
  const root = mkdtempSync(join(tmpdir(), 'desk-workers-'));
  dirs.push(root);
  started = startDeskWorkers(
    desktops,
    processes,
    () => {},
    (e) => lost.push(e),
  );
  const init = Promise.all(
    started.workers.map((w) =>
      w.call({
        method: 'init',
        apiUrl: 'http://127.0.0.1:9',
        relayUrl: null,
        root,
        desks: w.desks.map((i) => ({ i, behindRelay: false })),
      }),
    ),
  );
  return { workers: started, init };
}

describe('the simulation spreads its desktops over desk worker processes', () => {
  it('deals the desktops in turn, and each worker answers for its own', async () => {
    const { workers, init } = workersFor(5, 2);
    await init;
    expect(workers.workers.map((w) => w.desks)).toEqual([
      [0, 2, 4],
      [1, 3],
    ]);
    expect(await workers.of(3).call({ method: 'pending', desks: [1, 3] })).toEqual([0, 0]);
    // A desktop asked of the wrong worker is an error, not a silent zero.
    await expect(workers.of(0).call({ method: 'pending', desks: [1] })).rejects.toThrow(/desktop 2 is not in this worker/);
    const progress = await workers.of(0).call({ method: 'progress' });
    expect(progress.pending.map((p) => p.i)).toEqual([0, 2, 4]);
  });

  it('never starts more workers than desktops', async () => {
    const { workers, init } = workersFor(2, 5);
    await init;
    expect(workers.workers.map((w) => w.desks)).toEqual([[0], [1]]);
  });

  it('tells the coordinator of a worker lost mid-run, and its calls fail instead of hanging', async () => {
    const lost: Error[] = [];
    const { workers, init } = workersFor(2, 2, lost);
    await init;
    const [first] = workers.pids();
    process.kill(first!, 'SIGKILL');
    await expect(gone([first!], 10_000)).resolves.toEqual([]);
    await sleep(100);
    expect(lost.map((e) => e.message)).toEqual(['desk worker 1 exited (SIGKILL)']);
    await expect(workers.of(0).call({ method: 'progress' })).rejects.toThrow(/desk worker 1 is gone/);
  });

  it('stops every worker when asked', async () => {
    const { workers, init } = workersFor(3, 3);
    await init;
    const pids = workers.pids();
    expect(pids).toHaveLength(3);
    await workers.stop(5_000);
    expect(await gone(pids, 1_000)).toEqual([]);
  });

  it('leaves no worker behind when the coordinator is killed with SIGKILL', { timeout: 60_000 }, async () => {
    // A team server that accepts the sign-ins and never answers: each worker has a request open, as a live link would.
    const held: Socket[] = [];
    const silent = createServer((s) => void held.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const address = silent.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    onTestFinished(async () => {
      for (const s of held) s.destroy();
      await new Promise((r) => silent.close(r));
    });
    const parent = spawn(process.execPath, [join(import.meta.dirname, 'desk-workers-parent.ts'), `http://127.0.0.1:${address.port}`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    parent.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const until = Date.now() + 30_000;
    while (!out.includes('\n') && Date.now() < until) await sleep(50);
    const { pids, root } = z.object({ pids: z.array(z.number().int()), root: z.string() }).parse(JSON.parse(out));
    dirs.push(root);
    expect(pids).toHaveLength(2);
    expect(pids.every(alive)).toBe(true);
    expect(held.length).toBeGreaterThanOrEqual(2);
    parent.kill('SIGKILL');
    expect(await gone(pids, 3_000)).toEqual([]);
  });
});
