import { JetStreamApiCodes, JetStreamApiError, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { buckets, streams, subjects } from '../../protocol/subjects.ts';

const day = 24 * 3_600_000;
const nanos = (ms: number) => ms * 1_000_000;

/**
 * The two append-only streams of a team. deny_delete/deny_purge: no one, the service included, can
 * take a record out of them once written. The 24-hour duplicate window makes a desktop's replay of a
 * send after a long absence (its journal holds a day at most) a no-op by message id.
 */
const streamConfigs: (Partial<StreamConfig> & { name: string })[] = [
  { name: streams.sends, subjects: [subjects.allSends] },
  { name: streams.audit, subjects: [subjects.allAudit] },
].map((s) => ({ ...s, storage: StorageType.File, deny_delete: true, deny_purge: true, duplicate_window: nanos(day) }));

/**
 * The buckets' history. `templates` keeps 5 versions of each key so a save retried after a lost answer
 * is recognised by its requestId even when a colleague saved on top of it meanwhile; the others only
 * ever need their newest value.
 */
export const bucketHistory: Record<(typeof buckets)[keyof typeof buckets], number> = {
  claims: 1,
  templates: 5,
  presence: 1,
  operators: 1,
};

/**
 * A claim lives at most 24 hours from its last write (claimRequestSchema's ttlMs), so the bucket drops
 * any value older than 25: nats-server 2.9 has no per-key TTL, and without this every chat ever claimed
 * would stay in the bucket (and in every desktop's watch at start) for ever.
 */
const claimsMaxAgeMs = 25 * 3_600_000;

/** Creates the team account's streams and buckets; safe to call at every start. */
export async function ensureTeam(jsm: JetStreamManager): Promise<void> {
  for (const config of streamConfigs) {
    const existing = await jsm.streams.info(config.name).catch((e: unknown) => {
      if (e instanceof JetStreamApiError && e.code === JetStreamApiCodes.StreamNotFound) return undefined;
      throw e;
    });
    if (!existing) await jsm.streams.add(config);
  }
  const kvm = new Kvm(jsm.jetstream());
  for (const [name, history] of Object.entries(bucketHistory))
    await kvm.create(name, { history, storage: StorageType.File, ...(name === buckets.claims ? { ttl: claimsMaxAgeMs } : {}) });
}
