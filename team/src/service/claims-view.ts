import { KvWatchInclude, type KV, type KvEntry } from '@nats-io/kv';
import { claimValueSchema, type ClaimValue } from '../../protocol/messages.ts';
import { keyOf } from '../../protocol/subjects.ts';

const valueOf = (e: KvEntry): ClaimValue | undefined => {
  if (e.operation !== 'PUT') return undefined;
  const v = claimValueSchema.safeParse(e.json());
  return v.success ? v.data : undefined;
};

/** One change of a chat's claim: from `at` (the server's time of the write) on, `value` holds it, or no one. */
interface Change {
  at: number;
  revision: number;
  value: ClaimValue | undefined;
}

/** As long as the bucket keeps a change (its values' age limit and history, ensure.ts). */
const keeping = { keepMs: 25 * 3_600_000, sweepEveryMs: 10 * 60_000 };
const keepChanges = 64;

/**
 * Who held a chat at a moment, from its changes in order. The change in force then decides: a claim
 * counts from its `claimedAt` until its `expiresAt`, a release (a delete) ends it. A moment before the
 * oldest change still known is answered by that change when it is a claim taken before the moment (a
 * renewal keeps its `claimedAt`); otherwise no one is known to have held the chat.
 */
export function holderAt(changes: readonly Change[], at: number): ClaimValue | undefined {
  let inForce: Change | undefined;
  for (const c of changes) {
    if (c.at > at) break;
    inForce = c;
  }
  const v = inForce ? inForce.value : changes[0]?.value;
  if (!v || v.claimedAt > at || (inForce && v.expiresAt <= at)) return undefined;
  return v;
}

function keep(changes: Change[], oldest: number): void {
  while (changes.length > keepChanges || (changes.length > 1 && changes[0]!.at < oldest)) changes.shift();
}

export interface ClaimsView {
  /** Who held `chat` at `at` (ms): a send is judged by the claim as it stood when the send was made. */
  holderAt(chat: string, at: number): Promise<ClaimValue | undefined>;
  /** Called with every claim change in the bucket's order (first the bucket's history), and once caught up. */
  onChange(listener: { change(key: string, value: ClaimValue | undefined): void; caughtUp(): void }): void;
  stop(): void;
}

/**
 * Each chat's recent claims and releases, kept from one watch of the claims bucket that starts with
 * everything the bucket still holds (its history, ensure.ts): the projection asks it for every new
 * send, and a busy team makes many more sends than claims, so reading it here spares nats-server a
 * consumer per send. It is not behind the bucket for that question: a claim written before a send was
 * published is pushed to this connection before the send can be pulled over the same connection, and
 * the watch's message is taken in before the projection, which waits for PostgreSQL first, reads the
 * send. Until the watch has delivered the bucket's history it is waited for (10 s at most); once the
 * watch has ended, the bucket's history of the chat is read instead.
 */
export async function watchClaims(claims: KV, opts: typeof keeping = keeping): Promise<ClaimsView> {
  const { keepMs, sweepEveryMs } = opts;
  const chats = new Map<string, Change[]>();
  const listeners: Parameters<ClaimsView['onChange']>[0][] = [];
  let caughtUp = false;
  let ended = false;
  let markCaughtUp!: () => void;
  const ready = new Promise<void>((r) => (markCaughtUp = r));
  const reachCaughtUp = () => {
    if (caughtUp) return;
    caughtUp = true;
    markCaughtUp();
    for (const l of listeners) l.caughtUp();
  };
  const empty = (await claims.status()).values === 0;
  const watch = await claims.watch({ include: KvWatchInclude.AllHistory });
  if (empty) reachCaughtUp();
  void (async () => {
    for await (const e of watch) {
      const value = valueOf(e);
      const changes = chats.get(e.key) ?? [];
      // A watch started again after a reconnect may hand over a change it had delivered: kept once, in order.
      if ((changes.at(-1)?.revision ?? 0) >= e.revision) continue;
      changes.push({ at: e.created.getTime(), revision: e.revision, value });
      keep(changes, Date.now() - keepMs);
      chats.set(e.key, changes);
      for (const l of listeners) l.change(e.key, value);
      if (e.delta === 0 || e.isUpdate) reachCaughtUp();
    }
    // Ended (stopped, or the connection closed): no longer followed, so the bucket is asked again.
    ended = true;
  })();
  // The bucket lets a value go 25 hours after its last write without a word to its watchers (a claim
  // lives 24 at most): a chat whose last change is that old goes from here and from the copies too.
  const sweep = setInterval(() => {
    const old = Date.now() - keepMs;
    for (const [key, changes] of chats)
      if (changes.at(-1)!.at < old) {
        chats.delete(key);
        if (changes.at(-1)!.value) for (const l of listeners) l.change(key, undefined);
      }
  }, sweepEveryMs);
  sweep.unref();
  const fromBucket = async (key: string): Promise<Change[]> => {
    const changes: Change[] = [];
    for await (const e of await claims.history({ key })) changes.push({ at: e.created.getTime(), revision: e.revision, value: valueOf(e) });
    return changes;
  };
  return {
    async holderAt(chat, at) {
      const key = keyOf(chat);
      if (!caughtUp && !ended) await Promise.race([ready, new Promise((r) => setTimeout(r, 10_000).unref())]);
      if (caughtUp && !ended) return holderAt(chats.get(key) ?? [], at);
      return holderAt(await fromBucket(key), at);
    },
    onChange(listener) {
      listeners.push(listener);
      for (const [key, changes] of chats) listener.change(key, changes.at(-1)?.value);
      if (caughtUp) listener.caughtUp();
    },
    stop() {
      clearInterval(sweep);
      watch.stop();
    },
  };
}
