import type { KeyStore } from './keys.ts';
import { operatorJwt, systemAccountJwt } from './jwts.ts';
import { writeNatsConfig } from './server-config.ts';
import { startNatsServer, type NatsServerProcess } from './server-process.ts';

/**
 * nats-server run the way a service manager would: when it exits on its own (or the simulation
 * kills it) it is started again on the same port after half a second, so every client — desktops
 * and the server's own connections — reconnects by itself.
 */
export interface SupervisedNats {
  readonly process: NatsServerProcess;
  /** How often it was started again after it exited on its own. */
  readonly restarts: number;
  /** Stops it with `signal` (SIGKILL: the simulation's fault) and starts it again. */
  restart(signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export async function startSupervisedNats(opts: {
  dataDir: string;
  host: string;
  port: number;
  keys: KeyStore;
  tls?: { cert: string; key: string };
}): Promise<SupervisedNats> {
  // The operator and system account JWTs are signed afresh at each start, by the same kept keys.
  writeNatsConfig(opts.dataDir, {
    host: opts.host,
    port: opts.port,
    operatorJwt: await operatorJwt(opts.keys),
    systemAccount: opts.keys.system.getPublicKey(),
    systemAccountJwt: await systemAccountJwt(opts.keys),
    tls: opts.tls,
  });
  let current = startNatsServer(opts.dataDir);
  let stopping = false;
  let restarts = 0;
  const manual = new WeakSet<NatsServerProcess>();
  const supervise = (p: NatsServerProcess) =>
    void p.exited.then(() => {
      if (stopping || current !== p || manual.has(p)) return;
      restarts++;
      setTimeout(() => {
        if (stopping || current !== p) return;
        current = startNatsServer(opts.dataDir);
        supervise(current);
        current.ready.catch((e: unknown) => console.error('[team] nats-server did not come back:', e instanceof Error ? e.message : e));
      }, 500);
    });
  supervise(current);
  await current.ready;
  return {
    get process() {
      return current;
    },
    get restarts() {
      return restarts;
    },
    async restart(signal = 'SIGKILL') {
      const old = current;
      manual.add(old);
      await old.stop(signal);
      current = startNatsServer(opts.dataDir);
      supervise(current);
      await current.ready;
    },
    async stop() {
      stopping = true;
      await current.stop();
    },
  };
}
