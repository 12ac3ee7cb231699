import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publication } from './migrations.ts';
import { isZeroProcess, treeOf } from './proc-tree.ts';

/** zero-cache as a child process: loopback only, telemetry off, replica in the team's data directory. */
export interface ZeroCacheOptions {
  dataDir: string;
  databaseUrl: string;
  port: number;
  changeStreamerPort: number;
  apiUrl: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function cliPath(): string {
  // The package exports no package.json; its main entry sits in the same `out/zero/src` folder as the CLI.
  return join(dirname(require.resolve('@rocicorp/zero')), 'cli.js');
}

export interface ZeroCacheProcess {
  child: ChildProcess;
  url: string;
  ready: Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startZeroCache(opts: ZeroCacheOptions): ZeroCacheProcess {
  const dir = join(opts.dataDir, 'zero');
  mkdirSync(dir, { recursive: true });
  const loopback = join(here, 'loopback-only.ts');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_OPTIONS: `--import=${loopback}`,
    DO_NOT_TRACK: '1',
    ZERO_UPSTREAM_DB: opts.databaseUrl,
    ZERO_CVR_DB: opts.databaseUrl,
    ZERO_CHANGE_DB: opts.databaseUrl,
    ZERO_REPLICA_FILE: join(dir, 'replica.db'),
    ZERO_PORT: String(opts.port),
    ZERO_CHANGE_STREAMER_PORT: String(opts.changeStreamerPort),
    ZERO_APP_ID: 'team',
    ZERO_APP_PUBLICATIONS: publication,
    ZERO_MUTATE_URL: `${opts.apiUrl}/zero/mutate`,
    ZERO_QUERY_URL: `${opts.apiUrl}/zero/query`,
    ZERO_ENABLE_CRUD_MUTATIONS: 'false',
    ZERO_NUM_SYNC_WORKERS: '1',
    ZERO_ADMIN_PASSWORD: randomBytes(18).toString('base64url'),
    ZERO_LOG_LEVEL: opts.logLevel ?? 'warn',
    ZERO_CHANGE_STREAMER_STARTUP_DELAY_MS: '0',
  };
  const child = spawn(process.execPath, [cliPath()], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  // zero-cache's launcher starts a main process that starts workers, each in a session of its own:
  // a killed or crashed launcher leaves them holding the ports. Their pids are noted while they
  // run, so they can be ended with it.
  const known = new Set<number>();
  const note = () => {
    if (child.pid) for (const p of treeOf(child.pid)) known.add(p);
  };
  const noting = setInterval(note, 1000);
  noting.unref();
  const url = `http://127.0.0.1:${opts.port}`;
  let log = '';
  const keep = (b: Buffer) => {
    log = (log + b.toString('utf8')).slice(-8000);
    if (process.env.TEAM_DEBUG) process.stderr.write(b);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const ready = (async () => {
    // Generous: a first start copies the tables, and a loaded 2-core machine can take a minute or more.
    const deadline = Date.now() + 180_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`zero-cache exited (${child.exitCode}):\n${log}`);
      try {
        const r = await fetch(`${url}/`, { signal: AbortSignal.timeout(1000) });
        if (r.ok) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error(`zero-cache did not start within 180 s:\n${log}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  })();
  return {
    child,
    url,
    ready,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        note();
        child.kill(signal);
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
        // A clean stop lets the workers finish their own shutdown first.
        const until = Date.now() + 10_000;
        while (Date.now() < until && [...known].some((p) => isZeroProcess(p))) await new Promise((r) => setTimeout(r, 100));
      }
      clearInterval(noting);
      for (const p of known) if (isZeroProcess(p)) process.kill(p, 'SIGKILL');
    },
  };
}
