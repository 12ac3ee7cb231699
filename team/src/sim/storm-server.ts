import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { natsPaths } from '../nats/server-config.ts';

/**
 * The team server for the storm measurement: `scripts/team.ts start` in its own process (as the
 * simulation runs it), so the service's and nats-server's work is not the desktops' event loop's.
 */
export interface StormServer {
  child: ChildProcess;
  apiUrl: string;
  nats: { host: string; port: number };
  /** The pid nats-server wrote for itself: the one to kill. */
  natsPid(): number;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startStormServer(dataDir: string): Promise<StormServer> {
  // stdin a pipe from this process: when this process dies, the server stops itself and what it started.
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'scripts', 'team.ts'), 'start'], {
    env: { ...process.env, TEAM_DATA_DIR: dataDir, TEAM_STOP_WITH_PARENT: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const until = Date.now() + 300_000;
  while (!/API \+ sign-in : (\S+)/.test(out)) {
    if (child.exitCode !== null) throw new Error(`the team server exited:\n${out}`);
    if (Date.now() > until) throw new Error(`the team server did not start:\n${out}`);
    await sleep(100);
  }
  const apiUrl = /API \+ sign-in : (\S+)/.exec(out)![1]!;
  const natsUrl = new URL(/sync \(NATS\)\s+: (\S+)/.exec(out)?.[1] ?? '');
  return {
    child,
    apiUrl,
    nats: { host: natsUrl.hostname, port: Number(natsUrl.port) },
    natsPid: () => Number(readFileSync(natsPaths(dataDir).pidFile, 'utf8').trim()),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 60_000);
      await exited;
      clearTimeout(t);
    },
  };
}

const accepts = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = tcpConnect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

/**
 * Resolves when host:port refused a connection and then accepted one: nats-server gone and listening
 * again. (A killed process's leader thread can be a zombie while its other threads still hold the socket.)
 */
export async function listeningAgain(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end && (await accepts(host, port))) await sleep(2);
  while (Date.now() < end) {
    if (await accepts(host, port)) return true;
    await sleep(20);
  }
  return false;
}

/** Resolves once the process has exited (gone, or a zombie its parent has not reaped yet). */
export async function exitedPid(pid: number, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const stat = `/proc/${pid}/stat`;
    try {
      if (!existsSync(stat)) return true;
      const s = readFileSync(stat, 'utf8');
      if (s.slice(s.lastIndexOf(')') + 2).startsWith('Z')) return true;
    } catch {
      return true;
    }
    await sleep(2);
  }
  return false;
}
