import { readFileSync } from 'node:fs';
export { treeOf } from '../proc-tree.ts';

/**
 * CPU and memory of a process tree, read from /proc (Linux): the simulation reports them per
 * component (PostgreSQL, nats-server, the API, the simulated desktops).
 */
const ticks = 100; // USER_HZ on Linux

export function sample(pids: readonly number[]): { cpuSeconds: number; rssBytes: number } {
  let cpu = 0;
  let rss = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpu += (Number(f[11]) + Number(f[12])) / ticks;
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const m = /VmRSS:\s+(\d+) kB/.exec(status);
      if (m) rss += Number(m[1]) * 1024;
    } catch {
      // Gone in between.
    }
  }
  return { cpuSeconds: cpu, rssBytes: rss };
}

/** A process's command name (`/proc/<pid>/comm`); '' once it is gone. */
export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

export interface ComponentStats {
  cpuPercentAvg: number;
  /** CPU time used while watched: divided by the sends made, a figure that a busy machine does not inflate. */
  cpuSeconds: number;
  rssPeakBytes: number;
}

/** Samples each component every `everyMs`; `stop()` returns average CPU (% of one core) and peak RSS. */
export function watchComponents(components: Record<string, () => number[]>, everyMs = 2000) {
  const start = Date.now();
  const first = new Map<string, number>();
  const peak = new Map<string, number>();
  // CPU of processes that exited (a killed nats-server) would be lost from a per-sample sum; the
  // total is accumulated per pid instead.
  const perPid = new Map<string, Map<number, number>>();
  const tick = () => {
    for (const [name, pids] of Object.entries(components)) {
      const list = pids();
      const m = perPid.get(name) ?? new Map<number, number>();
      let rss = 0;
      for (const pid of list) {
        const s = sample([pid]);
        if (s.cpuSeconds > 0 || s.rssBytes > 0) {
          if (!first.has(`${name}:${pid}`)) first.set(`${name}:${pid}`, m.has(pid) ? 0 : s.cpuSeconds);
          m.set(pid, s.cpuSeconds);
          rss += s.rssBytes;
        }
      }
      perPid.set(name, m);
      peak.set(name, Math.max(peak.get(name) ?? 0, rss));
    }
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref?.();
  return {
    stop(): Record<string, ComponentStats> {
      clearInterval(timer);
      tick();
      const wall = (Date.now() - start) / 1000;
      const out: Record<string, ComponentStats> = {};
      for (const name of Object.keys(components)) {
        let used = 0;
        for (const [pid, cpu] of perPid.get(name) ?? []) used += cpu - (first.get(`${name}:${pid}`) ?? 0);
        out[name] = { cpuPercentAvg: wall > 0 ? (100 * used) / wall : 0, cpuSeconds: used, rssPeakBytes: peak.get(name) ?? 0 };
      }
      return out;
    },
  };
}
