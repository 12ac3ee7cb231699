/**
 * Runs work for one key after the work already queued for it. Compare-and-set keeps several service
 * processes correct; inside one process this keeps a desktop's claim and its release that follows at
 * once from overtaking each other (and from costing each other a refused write and a retry).
 */
export function keyedQueue() {
  const tails = new Map<string, Promise<unknown>>();
  return function run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = tails.get(key) ?? Promise.resolve();
    const result = before.then(work, work);
    const tail = result.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return result;
  };
}
