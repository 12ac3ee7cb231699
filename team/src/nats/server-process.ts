import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { natsServerBinary } from './binary.ts';
import { natsPaths } from './server-config.ts';
import { serverLog } from './server-log.ts';

/** nats-server as a child process of the team server, started from the config in the data directory. */
export interface NatsServerProcess {
  child: ChildProcess;
  /** Resolves once the server accepts clients; rejects (with its log) if it exits first. */
  ready: Promise<void>;
  /** SIGTERM (JetStream closes its files), SIGKILL if it is still there after 10 s. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Resolves when the process has exited, for whatever reason. */
  exited: Promise<number | null>;
}

/**
 * Ends the nats-server of a data directory if one still runs: one left by a team server that died
 * without stopping it holds the port and JetStream's store (it is ended before a new start), and a
 * failed simulation or test must not leave it behind. Only a process whose command line names this
 * data directory's config is touched.
 */
export function stopNatsServerIfRunning(dataDir: string): void {
  const p = natsPaths(dataDir);
  if (!existsSync(p.pidFile)) return;
  const pid = Number(readFileSync(p.pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(p.config)) return;
    process.kill(pid, 'SIGKILL');
  } catch {
    // Not running.
  }
}

export function startNatsServer(dataDir: string): NatsServerProcess {
  const bin = natsServerBinary();
  const { config, log: logFile } = natsPaths(dataDir);
  stopNatsServerIfRunning(dataDir);
  const child = spawn(bin, ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const file = serverLog(logFile);
  let log = '';
  const keep = (b: Buffer) => {
    log = (log + b.toString('utf8')).slice(-8000);
    file.write(b);
    if (process.env.TEAM_DEBUG) process.stderr.write(b);
    // A fatal error ends the server: that much is said where the team server's operator looks.
    else for (const line of b.toString('utf8').split('\n')) if (line.includes('[FTL]')) console.error(`[team] nats-server: ${line}`);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // 'close', not 'exit': output still in the pipes arrives after the process has exited.
  child.once('close', () => file.close());
  const ready = new Promise<void>((resolve, reject) => {
    child.once('error', (e) => reject(new Error(`nats-server could not be started (${bin}): ${e.message}`)));
    const onData = () => {
      if (log.includes('Server is ready')) {
        child.stderr?.off('data', onData);
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    // JetStream recovers its streams before it says it is ready: a big store on a loaded machine takes a while.
    const timer = setTimeout(() => reject(new Error(`nats-server did not become ready within 120 s:\n${log}`)), 120_000);
    timer.unref();
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited (${code ?? child.signalCode}) before it was ready:\n${log}`));
    });
  });
  // A caller that never awaits `ready` (a restart in the background) must not crash the process.
  ready.catch(() => {});
  return {
    child,
    ready,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}
