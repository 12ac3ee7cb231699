import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `npm run team` / `npm run team:sim` / `npm run test:team` / `node scripts/team.ts install`: the team server is its own package
 * (team/package.json), so the desktop's install never pulls it. Its dependencies are installed here,
 * on first use or when its lock file changed, and then its script runs under this same Node.
 */
const team = join(import.meta.dirname, '..', 'team');
const installed = join(team, 'node_modules', '.package-lock.json');
const lock = join(team, 'package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.log('team: installing the team server’s dependencies (once) …');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: team, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const [script = 'start', ...args] = process.argv.slice(2);
// `install`: only the dependencies (the desktop's build bundles the NATS link and its client from them).
if (script === 'install') process.exit(0);
// Its own process group, and this process hands Ctrl+C and SIGTERM to the whole group once: the
// script (the server, the simulation) then stops what it started, instead of dying here while its
// children run on, and no process in it hears the same Ctrl+C twice.
const child = spawn('npm', ['run', '--silent', script, '--', ...args], { cwd: team, stdio: 'inherit', detached: true });
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
