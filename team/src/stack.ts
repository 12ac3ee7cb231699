import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import postgres from 'postgres';
import { createApi, type Api } from './api.ts';
import { freePort } from './free-port.ts';
import { migrations } from './migrations.ts';
import { openCluster, type Cluster } from './postgres-cluster.ts';
import { fillPreviewData } from './preview-data.ts';
import { startZeroCache, type ZeroCacheProcess } from './zero-cache.ts';

/** The whole team server on one machine: PostgreSQL, the API with the mutators, zero-cache. */
export interface Stack {
  dataDir: string;
  apiUrl: string;
  zeroUrl: string;
  cluster: Cluster;
  api: Api;
  zero: ZeroCacheProcess;
  databaseUrl: string;
  restartZero(signal?: NodeJS.Signals): Promise<void>;
  restartPostgres(): Promise<void>;
  /** How often zero-cache was started again after it exited on its own. */
  readonly zeroRestarts: number;
  stop(): Promise<void>;
}

function tokenKey(dataDir: string): Buffer {
  const file = join(dataDir, 'token-key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
}

export async function migrate(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    for (const m of migrations) await sql.unsafe(m);
    await fillPreviewData(sql);
  } finally {
    await sql.end({ timeout: 2 });
  }
}

export async function startStack(
  dataDir: string,
  opts: { pgPort?: number; apiPort?: number; zeroPort?: number; logLevel?: 'debug' | 'info' | 'warn' | 'error' } = {},
): Promise<Stack> {
  mkdirSync(dataDir, { recursive: true });
  const cluster = openCluster(dataDir, opts.pgPort ?? (await freePort()));
  const databaseUrl = cluster.url;
  await migrate(databaseUrl);
  const zeroPort = opts.zeroPort ?? (await freePort());
  let zeroUrl = `http://127.0.0.1:${zeroPort}`;
  const api = createApi({ databaseUrl, tokenKey: tokenKey(dataDir), zeroUrl: () => zeroUrl });
  await new Promise<void>((r) => api.server.listen(opts.apiPort ?? 0, '127.0.0.1', r));
  const apiUrl = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  const zeroOpts = {
    dataDir,
    databaseUrl,
    port: zeroPort,
    changeStreamerPort: await freePort(),
    apiUrl,
    logLevel: opts.logLevel ?? 'warn',
  };
  let zero = startZeroCache(zeroOpts);
  await zero.ready;
  zeroUrl = zero.url;
  let stopping = false;
  const manual = new WeakSet<ZeroCacheProcess>();
  let restarts = 0;
  // zero-cache exits when it loses PostgreSQL for too long or is killed: it is started again, as a
  // service manager would, so desktops reconnect by themselves.
  const supervise = (z: ZeroCacheProcess) =>
    z.child.once('exit', () => {
      if (stopping || zero !== z || manual.has(z)) return;
      restarts++;
      void z.stop('SIGKILL');
      setTimeout(() => {
        if (stopping || zero !== z) return;
        zero = startZeroCache(zeroOpts);
        supervise(zero);
        zero.ready.catch((e: unknown) => console.error('[team] zero-cache did not come back:', e instanceof Error ? e.message : e));
      }, 500);
    });
  supervise(zero);
  const stack: Stack = {
    dataDir,
    apiUrl,
    zeroUrl,
    cluster,
    api,
    databaseUrl,
    get zero() {
      return zero;
    },
    get zeroRestarts() {
      return restarts;
    },
    async restartZero(signal = 'SIGKILL') {
      const old = zero;
      manual.add(old);
      await old.stop(signal);
      zero = startZeroCache(zeroOpts);
      supervise(zero);
      await zero.ready;
    },
    async restartPostgres() {
      cluster.stop('fast');
      cluster.start();
    },
    async stop() {
      stopping = true;
      await zero.stop();
      await api.close();
      if (cluster.startedHere) cluster.stop('fast');
    },
  };
  return stack;
}
