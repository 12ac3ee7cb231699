import type { KeyStore } from './keys.ts';
import { operatorJwt, systemAccountJwt } from './jwts.ts';
import { writeNatsConfig } from './server-config.ts';
import { startNatsServer, type NatsServerProcess } from './server-process.ts';

/**
 * nats-server run the way a service manager would: when it exits on its own (or the simulation
 * kills it) it is started again on the same port, so every client — desktops and the server's own
 * connections — reconnects by itself. At once after a run that lasted (every desktop waits for it);
 * after a pause that grows, up to 5 s, while it keeps exiting soon after starting (a crash loop).
 */
export interface SupervisedNats {
  readonly process: NatsServerProcess;
  /** How often it was started again after it exited on its own. */
  readonly restarts: number;
  /** Stops it with `signal` (SIGKILL: the simulation's fault) and starts it again. */
  restart(signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

/** A run this long was not a crash loop. */
const lastedMs = 10_000;
/** No pause after a run that lasted; 0.5, 1, 2, 4, 5 s after the 1st, 2nd … quick exit in a row. */
export const restartPauseMs = (quickExits: number): number => (quickExits === 0 ? 0 : Math.min(5_000, 500 * 2 ** (quickExits - 1)));

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
  /** Exits in a row soon after a start. */
  let quickExits = 0;
  const manual = new WeakSet<NatsServerProcess>();
  const supervise = (p: NatsServerProcess) => {
    const startedAt = Date.now();
    void p.exited.then(() => {
      if (stopping || current !== p || manual.has(p)) return;
      restarts++;
      quickExits = Date.now() - startedAt < lastedMs ? quickExits + 1 : 0;
      setTimeout(() => {
        if (stopping || current !== p) return;
        current = startNatsServer(opts.dataDir);
        supervise(current);
        current.ready.catch((e: unknown) => console.error('[team] nats-server did not come back:', e instanceof Error ? e.message : e));
      }, restartPauseMs(quickExits));
    });
  };
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
