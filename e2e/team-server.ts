import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { root } from './targets.ts';

/**
 * The team server as an administrator runs it (`npm run team`, team/scripts/team.ts): its own
 * process with a private PostgreSQL and nats-server on loopback and a data directory of its own.
 * The e2e specs talk to it only over its API and through the desktops, as the app does.
 */
const teamScript = join(root, 'team', 'scripts', 'team.ts');

function initdbDir(): string | undefined {
  const fromEnv = process.env.TEAM_PG_BIN;
  if (fromEnv && existsSync(join(fromEnv, 'initdb'))) return fromEnv;
  const base = '/usr/lib/postgresql';
  const version = existsSync(base) ? readdirSync(base).find((v) => existsSync(join(base, v, 'bin', 'initdb'))) : undefined;
  if (version) return join(base, version, 'bin');
  const which = spawnSync('which', ['initdb'], { encoding: 'utf8' });
  return which.status === 0 ? dirname(which.stdout.trim()) : undefined;
}

/** Why the team specs cannot run here, when PostgreSQL's server binaries are not installed (the one accepted reason to skip). */
export function postgresMissing(): string | undefined {
  if (initdbDir()) return undefined;
  return 'PostgreSQL is not installed (no initdb): `apt-get install postgresql` (.ci/run does) or set TEAM_PG_BIN';
}

/** What the team specs need from the build, said plainly instead of failing somewhere later. */
export function teamBuildMissing(): string | undefined {
  if (!existsSync(join(root, 'team', 'node_modules', '@nats-io', 'transport-node')))
    return 'The team package is not installed: run `node scripts/team.ts install` (npm test does it before building).';
  if (!existsSync(join(root, 'dist-electron', 'team-link.js')))
    return 'dist-electron/team-link.js is not built: run `npm run build` after the team package is installed.';
  return undefined;
}

export interface TeamServer {
  apiUrl: string;
  addOperator(login: string, name: string, team: string): Promise<string>;
  stop(): Promise<void>;
}

function run(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [teamScript, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`team ${args[0]} exited with ${code}: ${out}`))));
  });
}

export async function startTeamServer(): Promise<TeamServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'operator-e2e-team-'));
  const env = { TEAM_DATA_DIR: dataDir };
  // Its own process group: should the server die half-way, what it started can still be stopped by that group's id.
  // Its stdin is a pipe from this process (TEAM_STOP_WITH_PARENT): should this process die without stopping it
  // (a killed test run or benchmark), the pipe closes and the server stops its PostgreSQL and nats-server.
  const proc: ChildProcess = spawn(process.execPath, [teamScript, 'start'], {
    env: { ...process.env, ...env, TEAM_STOP_WITH_PARENT: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const late = setTimeout(() => {
        try {
          process.kill(-proc.pid!, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, 30_000);
      await exited;
      clearTimeout(late);
    }
    // A server that died without stopping its PostgreSQL (a daemon, outside its process group) must not outlive the spec.
    const pg = join(dataDir, 'pg');
    const bin = initdbDir();
    if (bin && existsSync(join(pg, 'postmaster.pid'))) {
      const ctl = [join(bin, 'pg_ctl'), '-D', pg, '-m', 'immediate', '-w', 'stop'];
      if (process.getuid?.() === 0) spawnSync('runuser', ['-u', 'postgres', '--', ...ctl]);
      else spawnSync(ctl[0]!, ctl.slice(1));
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const apiUrl = await new Promise<string>((resolve, reject) => {
      const seen = (d: Buffer) => {
        out += d.toString();
        const m = /API \+ sign-in : (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]!);
      };
      proc.stdout!.on('data', seen);
      proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      void exited.then(() => reject(new Error(`the team server exited before it was up: ${out}`)));
    });
    return {
      apiUrl,
      async addOperator(login, name, team) {
        const password = `e2e-${login}-0123456789`;
        await run(['add-operator', '--team', team, '--login', login, '--name', name], { ...env, TEAM_OPERATOR_PASSWORD: password });
        return password;
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
