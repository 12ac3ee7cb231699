import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMsgId } from '../protocol/messages.ts';
import { streams, subjects } from '../protocol/subjects.ts';
import { freePort } from '../src/free-port.ts';
import { migrations } from '../src/migrations.ts';
import { openCluster, type Cluster } from '../src/postgres-cluster.ts';
import { ensureTeam, serveTeam, type TeamService } from '../src/service/index.ts';
import { teamRetention } from '../src/service/ensure.ts';
import { plainNats, until } from './plain-nats.ts';
import { sendRow } from './send-row.ts';

const teamId = 'team_r';
const anna = 'op_anna';
const day = 24 * 3_600_000;
const ns = 1_000_000;

let dir: string;
let nats: Awaited<ReturnType<typeof plainNats>>;
let cluster: Cluster;
let sql: postgres.Sql;
let nc: NatsConnection;
let jsm: JetStreamManager;
let service: TeamService | undefined;
const serviceLog: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'team-retention-'));
  nats = await plainNats(join(dir, 'nats'));
  cluster = openCluster(dir, await freePort());
  sql = postgres(cluster.url, { max: 2, onnotice: () => {} });
  for (const m of migrations) await sql.unsafe(m);
  await sql`insert into team_operator (id, team_id, login, name, password_hash, created_at) values (${anna}, ${teamId}, 'anna', 'Анна', 'x', ${Date.now()})`;
  nc = await nats.connect();
  jsm = await jetstreamManager(nc);
});

afterAll(async () => {
  await service?.stop();
  await nc?.close();
  await sql?.end({ timeout: 2 });
  cluster?.stop('fast');
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The streams and buckets as the builds before the retention policy made them: no limit at all. */
async function olderBuildsTeam() {
  for (const [name, subject] of [
    [streams.sends, subjects.allSends],
    [streams.audit, subjects.allAudit],
  ] as const)
    await jsm.streams.add({
      name,
      subjects: [subject],
      storage: StorageType.File,
      deny_delete: true,
      deny_purge: true,
      duplicate_window: day * ns,
    });
  const kvm = new Kvm(nc);
  await kvm.create('claims', { history: 1, ttl: 25 * 3_600_000, storage: StorageType.File });
  for (const name of ['templates', 'presence', 'operators']) await kvm.create(name, { history: name === 'templates' ? 5 : 1 });
}

const config = async (name: string) => (await jsm.streams.info(name)).config;
const countOn = async (stream: string, subject: string) =>
  (await jsm.streams.info(stream, { subjects_filter: subject })).state.subjects?.[subject] ?? 0;

describe('retention of a team started by an older build', () => {
  it("gives its streams and claims bucket this build's limits at the next start, and stays append-only", async () => {
    await olderBuildsTeam();
    const js = jetstream(nc);
    const id = `s_${randomUUID()}`;
    const t = Date.now();
    const publish = async (i: number, status: string) => {
      const r = sendRow({ id, status, createdAt: t, updatedAt: t + i });
      await js.publish(subjects.send(anna, id), JSON.stringify(r), { msgID: sendMsgId(r) });
    };
    for (let i = 0; i < 3; i++) await publish(i, 'sending');

    await ensureTeam(jsm);

    expect(await config(streams.sends)).toMatchObject({
      max_age: teamRetention.sendsMaxAgeMs * ns,
      max_msgs_per_subject: teamRetention.recordsPerSend,
      duplicate_window: day * ns,
      deny_delete: true,
      deny_purge: true,
    });
    expect(await config(streams.audit)).toMatchObject({ max_age: teamRetention.auditMaxAgeMs * ns, deny_delete: true, deny_purge: true });
    expect(await config('KV_claims')).toMatchObject({ max_msgs_per_subject: 64, max_age: 25 * 3_600_000 * ns });
    // A send retried far more often than any real one keeps its newest records only, the last among them.
    for (let i = 3; i < 30; i++) await publish(i, i % 2 ? 'waiting' : 'sending');
    await publish(30, 'sent');
    expect(await countOn(streams.sends, subjects.send(anna, id))).toBe(teamRetention.recordsPerSend);
    const last = await jsm.streams.getMessage(streams.sends, { last_by_subj: subjects.send(anna, id) });
    expect(last?.json<{ status: string }>().status).toBe('sent');
    // Still no one's to delete from or purge.
    await expect(jsm.streams.purge(streams.audit)).rejects.toThrow();
    await expect(jsm.streams.deleteMessage(streams.sends, 1)).rejects.toThrow();
  });

  it('lets records leave the streams by age while PostgreSQL keeps them as the archive', async () => {
    const short = { sendsMaxAgeMs: 3_000, recordsPerSend: 4, auditMaxAgeMs: 3_000 };
    await ensureTeam(jsm, short);
    expect(await config(streams.sends)).toMatchObject({ max_age: 3_000 * ns, max_msgs_per_subject: 4, duplicate_window: 3_000 * ns });
    service = await serveTeam(nc, { sql, teamId, log: (m) => serviceLog.push(m) });
    const r = sendRow({ id: `s_${randomUUID()}` });
    await jetstream(nc).publish(subjects.send(anna, r.id), JSON.stringify(r), { msgID: sendMsgId(r) });
    const c = 'pachca|sandbox|1|discussion retention';
    const claimed = await nc.request(subjects.service(anna, 'claim'), JSON.stringify({ chat: c, ttlMs: 60_000 }), { timeout: 10_000 });
    expect(claimed.json()).toEqual({ ok: true });
    await until(async () => (await sql`select 1 from team_send where id = ${r.id}`).length === 1, 'the send copied to PostgreSQL');
    await until(async () => (await sql`select 1 from team_audit where subject = ${c} and kind = 'claim'`).length === 1, 'the claim copied');

    await until(async () => (await jsm.streams.info(streams.sends)).state.messages === 0, 'SENDS to let its records go by age', 20_000);
    await until(async () => (await jsm.streams.info(streams.audit)).state.messages === 0, 'AUDIT to let its entries go by age', 20_000);
    expect(await sql`select status from team_send where id = ${r.id}`).toEqual([{ status: r.status }]);
    expect(await sql`select operator_id from team_audit where subject = ${c} and kind = 'claim'`).toEqual([{ operator_id: anna }]);
    expect(serviceLog).toEqual([]);
  });
});
