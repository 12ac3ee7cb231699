/**
 * A copy of a bucket's current values in PostgreSQL, written in batches: the changes of a burst (every
 * desktop's presence beat, a busy hour's claims) go in one transaction, a key changed twice meanwhile
 * once, with its newest value. Nothing is written before `caughtUp` (the watch has delivered the
 * bucket's values); the first batch is then `whole`, so the writer can drop what the bucket no longer
 * holds. While PostgreSQL is away the batch waits and is tried again with whatever changed since.
 */
export function coalescedCopy<V>(
  what: string,
  write: (changes: ReadonlyMap<string, V | undefined>, whole: boolean) => Promise<void>,
  log: (message: string) => void,
): { change(key: string, value: V | undefined): void; caughtUp(): void; stop(): Promise<void> } {
  const pending = new Map<string, V | undefined>();
  let whole = false;
  let ready = false;
  let stopping = false;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((r) => {
      const t = setTimeout(() => r(), ms);
      wake = () => {
        clearTimeout(t);
        r();
      };
    });
  const describe = (e: unknown) => (e instanceof Error ? e.message : String(e));

  async function flush(): Promise<boolean> {
    const changes = new Map(pending);
    const asWhole = whole;
    pending.clear();
    whole = false;
    try {
      await write(changes, asWhole);
      return true;
    } catch (e) {
      // Newer changes made meanwhile win over the batch that failed.
      for (const [k, v] of changes) if (!pending.has(k)) pending.set(k, v);
      whole ||= asWhole;
      throw e;
    }
  }

  const loop = (async () => {
    let failures = 0;
    while (!stopping) {
      if (!ready || (!pending.size && !whole)) {
        await pause(60_000);
        continue;
      }
      // A short wait gathers the rest of a burst into the same transaction.
      await pause(failures ? Math.min(5_000, 200 * 2 ** failures) : 100);
      if (stopping) break;
      try {
        await flush();
        if (failures) log(`${what}: copied to PostgreSQL after ${failures + 1} attempts`);
        failures = 0;
      } catch (e) {
        if (failures++ === 0) log(`${what}: the copy to PostgreSQL waits: ${describe(e)}`);
      }
    }
  })();

  return {
    change(key, value) {
      pending.set(key, value);
      if (ready) wake?.();
    },
    caughtUp() {
      if (ready) return;
      ready = true;
      whole = true;
      wake?.();
    },
    async stop() {
      stopping = true;
      wake?.();
      await loop;
      // What changed last is written if PostgreSQL takes it now; else the next start copies it anyway.
      if (ready && (pending.size || whole)) await flush().catch(() => {});
    },
  };
}
