import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A private PostgreSQL on loopback with its own data directory, created on first start.
 * PostgreSQL refuses to run as root, and CI runs as root: then the directory is given to the
 * `postgres` user and every server command runs as that user.
 */
export interface Cluster {
  dir: string;
  /** True when this call started the server (so the caller also stops it). */
  startedHere: boolean;
  port: number;
  url: string;
  stop(mode?: 'fast' | 'immediate'): void;
  start(): void;
}

function pgBin(name: string): string {
  const fromEnv = process.env.TEAM_PG_BIN;
  if (fromEnv) return join(fromEnv, name);
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, 'bin', name)))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(base, versions[0], 'bin', name);
  }
  const which = spawnSync('which', [name], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  throw new Error(`PostgreSQL's ${name} was not found: install it (apt-get install postgresql) or set TEAM_PG_BIN.`);
}

const isRoot = () => process.getuid?.() === 0;

function runAsOwner(bin: string, args: string[]): void {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
}

function ownDir(dir: string) {
  if (!isRoot()) return;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(dir, uid, gid);
}

/** Creates the cluster on first use (scram passwords, not trust) and starts it on the given port. */
export function openCluster(root: string, port: number): Cluster {
  const dir = join(root, 'pg');
  const secretFile = join(root, 'pg-password');
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    ownDir(root);
    ownDir(dir);
    const password = randomBytes(24).toString('base64url');
    writeFileSync(secretFile, password, { mode: 0o600 });
    const pwfile = join(dir, '..', 'pg-initpw');
    writeFileSync(pwfile, password, { mode: 0o600 });
    ownDir(pwfile);
    try {
      runAsOwner(pgBin('initdb'), [
        '-D',
        dir,
        '-U',
        'postgres',
        '-A',
        'scram-sha-256',
        `--pwfile=${pwfile}`,
        '-E',
        'UTF8',
        '--no-instructions',
      ]);
    } finally {
      writeFileSync(pwfile, '');
    }
  }
  const password = readFileSync(secretFile, 'utf8').trim();
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const start = () =>
    runAsOwner(pgBin('pg_ctl'), [
      '-D',
      dir,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      // wal_level stays logical although nothing replicates any more: a cluster Zero ran on keeps zero-cache's
      // slot until the first start's migration drops it, and PostgreSQL will not start below logical while it exists.
      `-p ${port} -c listen_addresses=127.0.0.1 -c wal_level=logical -c unix_socket_directories=${dir} -c max_wal_senders=10 -c max_replication_slots=10 -c fsync=on`,
      'start',
    ]);
  const running = () => {
    try {
      runAsOwner(pgBin('pg_ctl'), ['-D', dir, 'status']);
      return true;
    } catch {
      return false;
    }
  };
  const startedHere = !running();
  if (startedHere) start();
  return {
    dir,
    startedHere,
    port,
    url,
    start,
    stop(mode = 'fast') {
      try {
        runAsOwner(pgBin('pg_ctl'), ['-D', dir, '-m', mode, '-w', 'stop']);
      } catch {
        // Already stopped: nothing to do.
      }
    },
  };
}

/**
 * Restarts a running cluster in place (the simulation's "PostgreSQL restarted"), without blocking the
 * caller's event loop. The new postmaster is started with the cluster's log file and no pipes of ours:
 * without `-l` it inherits pg_ctl's stdout/stderr, and a caller waiting for those to close (execFile)
 * waits as long as PostgreSQL runs — which is how the simulation once hung after this step.
 */
export async function restartCluster(root: string): Promise<'fast' | 'immediate'> {
  const dir = join(root, 'pg');
  const log = join(dir, 'server.log');
  // A fast shutdown waits for every client and WAL sender to finish; when one does not (as zero-cache's
  // replication once did), that wait outlasts any bound. The restart then becomes the crash a power cut
  // would be: an immediate stop, and recovery from the WAL.
  if ((await pgCtl(['-D', dir, '-l', log, '-m', 'fast', '-w', '-t', '60', 'restart'])) === 0) return 'fast';
  const stopped = await pgCtl(['-D', dir, '-m', 'immediate', '-w', '-t', '60', 'stop']);
  if (stopped !== 0 && existsSync(join(dir, 'postmaster.pid'))) throw new Error(`pg_ctl stop -m immediate exited with ${stopped}`);
  const started = await pgCtl(['-D', dir, '-l', log, '-w', '-t', '120', 'start']);
  if (started !== 0) throw new Error(`pg_ctl start exited with ${started}`);
  return 'immediate';
}

async function pgCtl(args: string[]): Promise<number | null> {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', pgBin('pg_ctl'), ...args]] : [pgBin('pg_ctl'), args];
  const child = spawn(cmd, argv, { stdio: 'ignore' });
  return new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
}

/** The superuser URL of a cluster created by `openCluster` (its password file is in the data directory). */
export function clusterUrl(root: string, port: number): string {
  const password = readFileSync(join(root, 'pg-password'), 'utf8').trim();
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
}

/** Stops a cluster created by `openCluster` if it still runs: a failed simulation must not leave PostgreSQL behind. */
export function stopClusterIfRunning(root: string): void {
  const dir = join(root, 'pg');
  if (!existsSync(join(dir, 'postmaster.pid'))) return;
  try {
    runAsOwner(pgBin('pg_ctl'), ['-D', dir, '-m', 'fast', '-w', 'stop']);
  } catch {
    // Already stopped.
  }
}
