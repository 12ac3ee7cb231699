import { JetStreamApiCodes, JetStreamApiError, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { buckets, streams, subjects } from '../../protocol/subjects.ts';

const day = 24 * 3_600_000;
const nanos = (ms: number) => ms * 1_000_000;

/**
 * How long the streams keep what they hold. PostgreSQL's copy (projection.ts: team_send, and team_audit,
 * which no one can change or delete from) is the archive: the streams are what desktops read live.
 *
 * - SENDS keeps a send's newest `recordsPerSend` records (a send passes through at most the 8 statuses,
 *   a retry repeats one or two: its trail in the detail pane is whole) and nothing older than
 *   `sendsMaxAgeMs`. A desktop's view keeps the newest 2 000 sends, far inside 30 days at any team's rate,
 *   and a desktop starting up reads the stream's last record per send: the age bounds that read as well.
 * - AUDIT stays append-only (no delete, no purge, for the service too); its entries leave only by age,
 *   after `auditMaxAgeMs`. Desktops read its conflicts from it, 90 days of them; reports read
 *   team_audit, which keeps every entry for ever.
 *
 * Both ages hold only while the projection keeps up: a record the projection has not copied when its age
 * runs out is lost to PostgreSQL. The projection copies in seconds and waits for PostgreSQL by retrying,
 * so that takes PostgreSQL away for a month (SENDS) or three (AUDIT).
 */
export interface Retention {
  sendsMaxAgeMs: number;
  recordsPerSend: number;
  auditMaxAgeMs: number;
}

export const teamRetention: Retention = { sendsMaxAgeMs: 30 * day, recordsPerSend: 16, auditMaxAgeMs: 90 * day };

/**
 * The two append-only streams of a team. deny_delete/deny_purge: no one, the service included, can
 * take a record out of them once written (only their age or a newer record of the same send does).
 * The 24-hour duplicate window makes a desktop's replay of a send after a long absence (its journal
 * holds a day at most) a no-op by message id; nats-server wants it no longer than the age limit.
 */
function streamConfigs(r: Retention): (Partial<StreamConfig> & { name: string })[] {
  const common = { storage: StorageType.File, deny_delete: true, deny_purge: true };
  return [
    {
      ...common,
      name: streams.sends,
      subjects: [subjects.allSends],
      max_age: nanos(r.sendsMaxAgeMs),
      max_msgs_per_subject: r.recordsPerSend,
      duplicate_window: nanos(Math.min(day, r.sendsMaxAgeMs)),
    },
    {
      ...common,
      name: streams.audit,
      subjects: [subjects.allAudit],
      max_age: nanos(r.auditMaxAgeMs),
      duplicate_window: nanos(Math.min(day, r.auditMaxAgeMs)),
    },
  ];
}

/**
 * The buckets' history. `templates` keeps 5 versions of each key so a save retried after a lost answer
 * is recognised by its requestId even when a colleague saved on top of it meanwhile. `claims` keeps a
 * chat's last 64 changes (claims and releases, inside the 25 hours below): the service decides whether a
 * send went to a chat someone else held by the claim as it stood when the send was made, and after a
 * restart it learns that history from here (claims-view.ts). The others only ever need their newest value.
 */
export const bucketHistory: Record<(typeof buckets)[keyof typeof buckets], number> = {
  claims: 64,
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

const kvStream = (bucket: string) => `KV_${bucket}`;

async function streamInfo(jsm: JetStreamManager, name: string) {
  return jsm.streams.info(name).catch((e: unknown) => {
    if (e instanceof JetStreamApiError && e.code === JetStreamApiCodes.StreamNotFound) return undefined;
    throw e;
  });
}

/** Brings the limits of a stream made by an older build (without them, or with others) to these. */
async function applyLimits(jsm: JetStreamManager, name: string, limits: Partial<StreamConfig>) {
  const info = await streamInfo(jsm, name);
  if (!info) return;
  const current = info.config as unknown as Record<string, unknown>;
  if (Object.entries(limits).every(([k, v]) => current[k] === v)) return;
  await jsm.streams.update(name, { ...info.config, ...limits });
}

/**
 * Creates the team account's streams and buckets, and brings the limits of those an older build made to
 * these; safe to call at every start.
 */
export async function ensureTeam(jsm: JetStreamManager, retention: Retention = teamRetention): Promise<void> {
  for (const config of streamConfigs(retention)) {
    const existing = await streamInfo(jsm, config.name);
    if (!existing) await jsm.streams.add(config);
    else
      await applyLimits(jsm, config.name, {
        max_age: config.max_age ?? 0,
        max_msgs_per_subject: config.max_msgs_per_subject ?? -1,
        duplicate_window: config.duplicate_window,
      });
  }
  const kvm = new Kvm(jsm.jetstream());
  for (const [name, history] of Object.entries(bucketHistory)) {
    await kvm.create(name, { history, storage: StorageType.File, ...(name === buckets.claims ? { ttl: claimsMaxAgeMs } : {}) });
    // kvm.create leaves a bucket that exists as it is.
    await applyLimits(jsm, kvStream(name), { max_msgs_per_subject: history });
  }
}
