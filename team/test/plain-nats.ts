import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { freePort } from '../src/free-port.ts';

/**
 * A plain `nats-server -js` on loopback (no auth: its default account behaves like a team's account),
 * on a port from the OS, with its store in the given directory. `restart` stops it (killed, if so asked) and starts it again
 * on the same port and store, as a crash and a service manager would.
 */
export async function plainNats(storeDir: string) {
  const port = await freePort();
  const url = `nats://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let log = '';
  async function start() {
    const c = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    c.stderr?.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-4000)));
    child = c;
    const until = Date.now() + 20_000;
    for (;;) {
      try {
        const probe = await connect({ servers: url, reconnect: false });
        await probe.close();
        return;
      } catch (e) {
        if (c.exitCode !== null || Date.now() > until) throw new Error(`nats-server did not start: ${String(e)}\n${log}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
  async function stop(signal: NodeJS.Signals = 'SIGTERM') {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = once(c, 'exit');
    c.kill(signal);
    await exited;
  }
  await start();
  return {
    url,
    /** The running nats-server's pid (a test freezes it with SIGSTOP). */
    get pid() {
      return child?.pid;
    },
    /** A client that keeps reconnecting for as long as the test runs. */
    connect: (): Promise<NatsConnection> => connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 200 }),
    async restart(signal: NodeJS.Signals = 'SIGTERM', downMs = 0) {
      await stop(signal);
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    stop,
  };
}

export async function until(ok: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
