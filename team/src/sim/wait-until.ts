const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until `ok()` holds and returns when it did; `probe` refreshes what `ok` reads when that is
 * asked of a server or a worker (every 50 ms at most). Bounded: a wait that never ends is recorded
 * as never (Infinity, the report says missed) and told to `gaveUp`, and the run goes on.
 */
export function waitUntilWith(gaveUp: (text: string) => void) {
  return async (ok: () => boolean, ms: number, what: string, probe?: () => Promise<void>): Promise<number> => {
    const until = Date.now() + ms;
    if (probe) await probe();
    while (!ok()) {
      if (Date.now() > until) {
        gaveUp(`gave up waiting ${ms / 1000} s for ${what}`);
        return Number.POSITIVE_INFINITY;
      }
      await sleep(50);
      if (probe) await probe();
    }
    return Date.now();
  };
}
