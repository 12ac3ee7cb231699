import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The simulation's team server: `npm run team` in its own process, with its own data directory. */
export interface Server {
  child: ChildProcess;
  apiUrl: string;
  /** Where nats-server listens (the fault relay's target). */
  nats: { host: string; port: number };
  dataDir: string;
  pgPort: number;
  stop(): Promise<void>;
}

/** `npm run team` in a child process with its own data directory, so its CPU and memory are its own. */
export async function startServer(dataDir: string, log: (l: string) => void, spawned: (child: ChildProcess) => void): Promise<Server> {
  // Its stdin is a pipe from this process: if this process dies without stopping it (SIGKILL), the pipe
  // closes and the server stops itself, PostgreSQL and nats-server (TEAM_STOP_WITH_PARENT).
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'scripts', 'team.ts'), 'start'], {
    env: { ...process.env, TEAM_DATA_DIR: dataDir, TEAM_STOP_WITH_PARENT: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  spawned(child);
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  const serverLog = process.env.TEAM_SIM_SERVER_LOG;
  if (serverLog) child.stdout?.on('data', (b: Buffer) => appendFileSync(serverLog, b));
  child.stderr?.on('data', (b: Buffer) => {
    if (serverLog) appendFileSync(serverLog, b);
    const t = b.toString();
    if (/error/i.test(t)) log(`[server] ${t.trim().slice(0, 300)}`);
  });
  const until = Date.now() + 300_000;
  while (!/API \+ sign-in : (\S+)/.test(out)) {
    if (child.exitCode !== null) throw new Error(`the team server exited:\n${out}`);
    if (Date.now() > until) throw new Error(`the team server did not start:\n${out}`);
    await sleep(200);
  }
  const apiUrl = /API \+ sign-in : (\S+)/.exec(out)![1]!;
  const ports = z.object({ pgPort: z.number().int() }).parse(JSON.parse(readFileSync(join(dataDir, 'ports.json'), 'utf8')));
  const natsUrl = new URL(/sync \(NATS\)\s+: (\S+)/.exec(out)?.[1] ?? '');
  return {
    child,
    apiUrl,
    nats: { host: natsUrl.hostname, port: Number(natsUrl.port) },
    dataDir,
    pgPort: ports.pgPort,
    stop: () => stopChild(child),
  };
}

/** SIGTERM, and SIGKILL if it has not stopped within a minute (its own clean-up stops nats-server and PostgreSQL). */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 60_000);
  await exited;
  clearTimeout(t);
}

export function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
}
