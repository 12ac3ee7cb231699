import type { KV, KvEntry } from '@nats-io/kv';
import { claimValueSchema, type ClaimValue } from '../../protocol/messages.ts';
import { keyOf } from '../../protocol/subjects.ts';

const valueOf = (e: KvEntry): ClaimValue | undefined => {
  if (e.operation !== 'PUT') return undefined;
  const v = claimValueSchema.safeParse(e.json());
  return v.success ? v.data : undefined;
};

/**
 * Who holds each chat, kept from a watch of the claims bucket: the projection asks this for every new
 * send, and a busy team makes many more sends than claims, so reading it here spares a request to
 * nats-server per send. It is not behind the bucket for that question: a claim written before a send
 * was published is pushed to this connection before the send can be pulled over the same connection,
 * and the watch's message is taken in before the projection, which waits for PostgreSQL first, reads
 * the send. Until the watch has delivered the bucket's values (or the first change, for an empty
 * bucket) the bucket itself is asked.
 */
export async function watchClaims(claims: KV): Promise<{ holderOf(chat: string): Promise<ClaimValue | undefined>; stop(): void }> {
  const held = new Map<string, ClaimValue>();
  let caughtUp = false;
  const watch = await claims.watch();
  void (async () => {
    for await (const e of watch) {
      const v = valueOf(e);
      if (v) held.set(e.key, v);
      else held.delete(e.key);
      if (e.delta === 0) caughtUp = true;
    }
    // Ended (stopped, or the connection closed): no longer followed, so the bucket is asked again.
    caughtUp = false;
  })();
  return {
    async holderOf(chat) {
      const key = keyOf(chat);
      if (caughtUp) return held.get(key);
      const e = await claims.get(key);
      return e ? valueOf(e) : undefined;
    },
    stop: () => watch.stop(),
  };
}
