import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { natsPaths } from '../nats/server-config.ts';
import { startServer } from './team-server.ts';

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

/** The simulation's way of starting the server, with the pid of nats-server to kill beside it. */
export async function startStormServer(dataDir: string): Promise<StormServer> {
  const server = await startServer(
    dataDir,
    (line) => console.error(line),
    () => {},
  );
  return {
    child: server.child,
    apiUrl: server.apiUrl,
    nats: server.nats,
    natsPid: () => Number(readFileSync(natsPaths(dataDir).pidFile, 'utf8').trim()),
    stop: server.stop,
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
