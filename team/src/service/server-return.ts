/**
 * Runs a call to nats-server again until it answers: for a step whose effect must not be lost when the
 * server goes away mid-request (it is started again within seconds). Only idempotent calls belong here —
 * a publish with a message id, a read. Gives up after `withinMs` and throws the last error.
 */
export async function untilServerAnswers<T>(call: () => Promise<T>, withinMs = 60_000): Promise<T> {
  const until = Date.now() + withinMs;
  for (let wait = 100; ; wait = Math.min(wait * 2, 2_000)) {
    try {
      return await call();
    } catch (e) {
      if (Date.now() + wait > until) throw e;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
