import { startZeroCache, type ZeroCacheOptions, type ZeroCacheProcess } from './zero-cache.ts';

/**
 * zero-cache beside NATS only while the Zero desktop link and its tests are still on main; removed
 * with Zero. It is started again when it exits on its own, as a service manager would.
 */
export interface LegacyZero {
  url: string;
  readonly process: ZeroCacheProcess;
  readonly restarts: number;
  restart(signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export async function startLegacyZero(opts: ZeroCacheOptions): Promise<LegacyZero> {
  let zero = startZeroCache(opts);
  await zero.ready;
  let stopping = false;
  const manual = new WeakSet<ZeroCacheProcess>();
  let restarts = 0;
  const supervise = (z: ZeroCacheProcess) =>
    z.child.once('exit', () => {
      if (stopping || zero !== z || manual.has(z)) return;
      restarts++;
      void z.stop('SIGKILL');
      setTimeout(() => {
        if (stopping || zero !== z) return;
        zero = startZeroCache(opts);
        supervise(zero);
        zero.ready.catch((e: unknown) => console.error('[team] zero-cache did not come back:', e instanceof Error ? e.message : e));
      }, 500);
    });
  supervise(zero);
  return {
    url: zero.url,
    get process() {
      return zero;
    },
    get restarts() {
      return restarts;
    },
    async restart(signal = 'SIGKILL') {
      const old = zero;
      manual.add(old);
      await old.stop(signal);
      zero = startZeroCache(opts);
      supervise(zero);
      await zero.ready;
    },
    async stop() {
      stopping = true;
      await zero.stop();
    },
  };
}
