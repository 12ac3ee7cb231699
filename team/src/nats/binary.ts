import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Where nats-server is. It comes from the distribution (Debian: `apt-get install nats-server`, which
 * puts it in /usr/sbin, not on every user's PATH); TEAM_NATS_SERVER names another binary.
 */
export function natsServerBinary(): string {
  const fromEnv = process.env.TEAM_NATS_SERVER;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`TEAM_NATS_SERVER names ${fromEnv}, which does not exist.`);
    return fromEnv;
  }
  for (const candidate of ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'])
    if (existsSync(candidate)) return candidate;
  const which = spawnSync('which', ['nats-server'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  throw new Error(
    'nats-server was not found. The team server needs it for sync: install it (Debian/Ubuntu: sudo apt-get install nats-server) or set TEAM_NATS_SERVER to its path.',
  );
}
