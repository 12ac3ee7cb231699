import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  claimAnswerSchema,
  releaseAnswerSchema,
  sendMsgId,
  templateDeleteAnswerSchema,
  templateSaveAnswerSchema,
  type SendRecord,
} from '../protocol/messages.ts';
import { streams, subjects, type ServiceMethod } from '../protocol/subjects.ts';
import { freePort } from '../src/free-port.ts';
import { migrations } from '../src/migrations.ts';
import { openCluster, type Cluster } from '../src/postgres-cluster.ts';
import { ensureTeam, serveTeam, type TeamService } from '../src/service/index.ts';
import { plainNats, until } from './plain-nats.ts';

const teamId = 'team_a';
const anna = 'op_anna';
const boris = 'op_boris';
/** Known only to the `operators` bucket, not to PostgreSQL. */
const vera = 'op_vera';

let dir: string;
let nats: Awaited<ReturnType<typeof plainNats>>;
let cluster: Cluster;
let sql: postgres.Sql;
let nc: NatsConnection;
let desk: NatsConnection;
let js: JetStreamClient;
let service: TeamService;
/** What the service logged, kept instead of printed. */
const serviceLog: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'team-service-'));
  nats = await plainNats(join(dir, 'nats'));
  cluster = openCluster(dir, await freePort());
  sql = postgres(cluster.url, { max: 4, onnotice: () => {} });
  for (const m of migrations) await sql.unsafe(m);
  for (const [id, name] of [
    [anna, 'Анна'],
    [boris, 'Борис'],
  ] as const)
    await sql`insert into team_operator (id, team_id, login, name, password_hash, created_at)
      values (${id}, ${teamId}, ${id}, ${name}, 'x', ${Date.now()})`;
  nc = await nats.connect();
  const jsm = await jetstreamManager(nc);
  await ensureTeam(jsm);
  await ensureTeam(jsm); // a second start finds everything in place
  await (await new Kvm(nc).open('operators')).put(vera, JSON.stringify({ name: 'Вера' }));
  service = await serveTeam(nc, { sql, teamId, log: (m) => serviceLog.push(m) });
  desk = await nats.connect();
  js = jetstream(desk);
});

afterAll(async () => {
  await service?.stop();
  await desk?.close();
  await nc?.close();
  await sql?.end({ timeout: 2 });
  cluster?.stop('fast');
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const answers = {
  claim: claimAnswerSchema,
  release: releaseAnswerSchema,
  'template-save': templateSaveAnswerSchema,
  'template-delete': templateDeleteAnswerSchema,
} satisfies Record<ServiceMethod, z.ZodType>;

/** A desktop's request, as the operator's permissions let it make it: under its own id. */
async function ask<M extends ServiceMethod>(operatorId: string, method: M, body: unknown): Promise<z.infer<(typeof answers)[M]>> {
  const m = await desk.request(subjects.service(operatorId, method), JSON.stringify(body), { timeout: 10_000 });
  return answers[method].parse(m.json()) as z.infer<(typeof answers)[M]>;
}

const chat = () => `pachca|sandbox|1|discussion ${randomUUID()}`;
const hour = 3_600_000;

async function auditRows(subject: string, kind?: string) {
  return sql<{ id: string; kind: string; operator_id: string; operator_name: string; detail: Record<string, unknown> }[]>`
    select id, kind, operator_id, operator_name, detail from team_audit
    where team_id = ${teamId} and subject = ${subject} and (${kind ?? null}::text is null or kind = ${kind ?? null}) order by at, id`;
}

async function auditStreamSize() {
  return (await (await jetstreamManager(desk)).streams.info(streams.audit)).state.messages;
}

function sendRecord(over: Partial<SendRecord> = {}): SendRecord {
  const now = Date.now();
  return {
    id: `s_${randomUUID()}`,
    provider: 'pachca',
    account: 'a_sbx_pachca',
    chat: chat(),
    recipient: 'Обсуждение 1',
    preview: 'Добрый день',
    status: 'sending',
    createdAt: now,
    updatedAt: now,
    ...over,
  };
}

async function publishSend(operatorId: string, r: SendRecord, msgID = sendMsgId(r)) {
  return js.publish(subjects.send(operatorId, r.id), JSON.stringify(r), { msgID });
}

describe('ensureTeam', () => {
  it('makes streams no one can take a record out of, which refuse a replay within a day', async () => {
    const jsm = await jetstreamManager(desk);
    const r = sendRecord();
    await publishSend(anna, r);
    expect((await publishSend(anna, r)).duplicate).toBe(true);
    for (const name of [streams.sends, streams.audit]) {
      const info = await jsm.streams.info(name);
      expect(info.config).toMatchObject({ deny_delete: true, deny_purge: true, duplicate_window: 24 * hour * 1e6, storage: 'file' });
      await expect(jsm.streams.purge(name)).rejects.toThrow();
      await expect(jsm.streams.deleteMessage(name, 1)).rejects.toThrow();
    }
  });

  it('makes the buckets; claims forget a value older than the longest claim, templates keep versions for retried saves', async () => {
    const jsm = await jetstreamManager(desk);
    const bucket = async (name: string) => (await jsm.streams.info(`KV_${name}`)).config;
    expect(await bucket('claims')).toMatchObject({ max_msgs_per_subject: 64, max_age: 25 * hour * 1e6 });
    expect(await bucket('templates')).toMatchObject({ max_msgs_per_subject: 5, max_age: 0 });
    for (const name of ['presence', 'operators']) expect(await bucket(name)).toMatchObject({ max_msgs_per_subject: 1, max_age: 0 });
  });
});

describe('claims', () => {
  it('grants a chat to exactly one of two operators racing for it; the other is told who holds it and since when', async () => {
    const c = chat();
    const [a, b] = await Promise.all([ask(anna, 'claim', { chat: c, ttlMs: hour }), ask(boris, 'claim', { chat: c, ttlMs: hour })]);
    const granted = [a, b].filter((x) => x.ok);
    expect(granted).toHaveLength(1);
    const refused = [a, b].find((x) => !x.ok);
    const winnerName = a.ok ? 'Анна' : 'Борис';
    expect(refused).toMatchObject({ ok: false, by: winnerName });
    const since = refused && !refused.ok ? refused.since : 0;
    expect(Math.abs(since - Date.now())).toBeLessThan(60_000);
    await until(async () => (await auditRows(c, 'claim')).length === 1, 'the claim in the trail');
    expect((await auditRows(c, 'claim'))[0]!.operator_name).toBe(winnerName);
  });

  it('lets another operator take a claim once it has expired', async () => {
    const c = chat();
    expect(await ask(anna, 'claim', { chat: c, ttlMs: 1_000 })).toEqual({ ok: true });
    expect(await ask(boris, 'claim', { chat: c, ttlMs: hour })).toMatchObject({ ok: false, by: 'Анна' });
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await ask(boris, 'claim', { chat: c, ttlMs: hour })).toEqual({ ok: true });
    expect(await ask(anna, 'claim', { chat: c, ttlMs: hour })).toMatchObject({ ok: false, by: 'Борис' });
  });

  it("ignores a release by someone who does not hold the chat; the holder's release frees it", async () => {
    const c = chat();
    await ask(anna, 'claim', { chat: c, ttlMs: hour });
    expect(await ask(boris, 'release', { chat: c })).toEqual({ ok: true });
    expect(await ask(boris, 'claim', { chat: c, ttlMs: hour })).toMatchObject({ ok: false, by: 'Анна' });
    expect(await ask(anna, 'release', { chat: c })).toEqual({ ok: true });
    expect(await ask(boris, 'claim', { chat: c, ttlMs: hour })).toEqual({ ok: true });
    await until(async () => (await auditRows(c)).length === 3, 'claim, release, claim in the trail');
    // In the order they happened, even within one millisecond (the rows are read by time).
    expect((await auditRows(c)).map((r) => [r.kind, r.operator_id])).toEqual([
      ['claim', anna],
      ['release', anna],
      ['claim', boris],
    ]);
  });

  it('puts a release before the claim that follows it in the trail, even within one millisecond', async () => {
    const chats = Array.from({ length: 10 }, chat);
    for (const c of chats) await ask(anna, 'claim', { chat: c, ttlMs: hour });
    // Asked back to back on one connection: served in that order, the claim right after the release.
    const answers = await Promise.all(
      chats.map(async (c) => (await Promise.all([ask(anna, 'release', { chat: c }), ask(boris, 'claim', { chat: c, ttlMs: hour })]))[1]),
    );
    expect(answers.every((a) => a.ok)).toBe(true);
    for (const c of chats) {
      await until(async () => (await auditRows(c)).length === 3, 'claim, release, claim in the trail');
      expect((await auditRows(c)).map((r) => `${r.kind} ${r.operator_id}`)).toEqual([`claim ${anna}`, `release ${anna}`, `claim ${boris}`]);
    }
  });

  it('refuses a claim made offline on a chat someone else holds and leaves a conflict entry', async () => {
    const c = chat();
    await ask(anna, 'claim', { chat: c, ttlMs: hour });
    const offlineAt = Date.now() - 60_000;
    expect(await ask(boris, 'claim', { chat: c, ttlMs: hour, offlineAt })).toMatchObject({ ok: false, by: 'Анна' });
    await until(async () => (await auditRows(c, 'conflict')).length === 1, 'the conflict in the trail');
    const [conflict] = await auditRows(c, 'conflict');
    expect(conflict).toMatchObject({ operator_id: boris, operator_name: 'Борис', detail: { offlineAt, heldBy: 'Анна' } });
  });

  it('adds nothing to the trail when the same claim or release is asked again', async () => {
    const c = chat();
    await ask(vera, 'claim', { chat: c, ttlMs: hour });
    const before = await auditStreamSize();
    expect(await ask(vera, 'claim', { chat: c, ttlMs: hour })).toEqual({ ok: true });
    expect(await auditStreamSize()).toBe(before);
    await ask(vera, 'release', { chat: c });
    await ask(vera, 'release', { chat: c });
    expect(await auditStreamSize()).toBe(before + 1);
    await until(async () => (await auditRows(c)).length === 2, 'claim and release in the trail');
    expect((await auditRows(c)).map((r) => [r.kind, r.operator_name])).toEqual([
      ['claim', 'Вера'],
      ['release', 'Вера'],
    ]);
  });

  it('claims and releases a chat of the longest name the protocol allows, with its trail', async () => {
    const c = `${chat()}|${'я'.repeat(512)}`.slice(0, 512);
    expect(await ask(anna, 'claim', { chat: c, ttlMs: hour })).toEqual({ ok: true });
    expect(await ask(boris, 'claim', { chat: c, ttlMs: hour, offlineAt: Date.now() })).toMatchObject({ ok: false, by: 'Анна' });
    expect(await ask(anna, 'release', { chat: c })).toEqual({ ok: true });
    await until(async () => (await auditRows(c)).length === 3, 'claim, conflict, release in the trail');
    expect((await auditRows(c)).map((r) => r.kind)).toEqual(['claim', 'conflict', 'release']);
  });

  it('answers a body that does not parse as invalid, and keeps serving', async () => {
    const m = await desk.request(subjects.service(anna, 'claim'), JSON.stringify({ chat: 'x', ttlMs: 5 }), { timeout: 10_000 });
    expect(m.json()).toEqual({ ok: false, error: 'invalid' });
    const bad = await desk.request(subjects.service(anna, 'release'), 'not json', { timeout: 10_000 });
    expect(bad.json()).toEqual({ ok: false, error: 'invalid' });
    expect(await ask(anna, 'claim', { chat: chat(), ttlMs: hour })).toEqual({ ok: true });
  });
});

describe('templates', () => {
  const newId = () => `t_${randomUUID()}`;

  it('refuses a save over a version that is no longer the newest, with the newer text and its author', async () => {
    const id = newId();
    expect(await ask(anna, 'template-save', { id, name: 'Привет', body: 'v1', baseVersion: 0, requestId: 'r1' })).toEqual({
      ok: true,
      version: 1,
    });
    expect(await ask(boris, 'template-save', { id, name: 'Привет', body: 'v2 Бориса', baseVersion: 1, requestId: 'r2' })).toEqual({
      ok: true,
      version: 2,
    });
    const stale = await ask(anna, 'template-save', { id, name: 'Привет', body: 'v2 Анны', baseVersion: 1, requestId: 'r3' });
    expect(stale).toEqual({ ok: false, conflict: { version: 2, body: 'v2 Бориса', name: 'Привет', by: 'Борис' } });
    await until(async () => (await auditRows(id, 'conflict')).length === 1, 'the stale save in the trail');
  });

  it('refuses a save over a template a colleague deleted, naming who deleted it', async () => {
    const id = newId();
    await ask(anna, 'template-save', { id, name: 'Счёт', body: 'v1', baseVersion: 0, requestId: 'r1' });
    expect(await ask(boris, 'template-delete', { id, baseVersion: 1 })).toEqual({ ok: true });
    const answer = await ask(anna, 'template-save', { id, name: 'Счёт', body: 'v2', baseVersion: 1, requestId: 'r2' });
    expect(answer).toEqual({ ok: false, conflict: { version: 0, body: '', name: 'Счёт', by: 'Борис', deleted: true } });
    // Kept as a new one: the numbering goes on past the deleted version.
    expect(await ask(anna, 'template-save', { id, name: 'Счёт', body: 'v2', baseVersion: 0, requestId: 'r3' })).toEqual({
      ok: true,
      version: 2,
    });
    await until(async () => (await auditRows(id)).length === 3, 'save, delete, save in the trail');
    expect((await auditRows(id)).map((r) => [r.kind, r.operator_name, r.detail.version])).toEqual([
      ['template', 'Анна', 1],
      ['template_delete', 'Борис', 1],
      ['template', 'Анна', 2],
    ]);
  });

  it('answers a save retried with the same requestId with the version it made, once in the trail', async () => {
    const id = newId();
    const save = { id, name: 'Доставка', body: 'Завтра', baseVersion: 0, requestId: 'req-1' };
    expect(await ask(anna, 'template-save', save)).toEqual({ ok: true, version: 1 });
    const before = await auditStreamSize();
    expect(await ask(anna, 'template-save', save)).toEqual({ ok: true, version: 1 });
    // Still recognised after a colleague saved on top of it.
    await ask(boris, 'template-save', { id, name: 'Доставка', body: 'Послезавтра', baseVersion: 1, requestId: 'req-2' });
    expect(await ask(anna, 'template-save', save)).toEqual({ ok: true, version: 1 });
    expect(await auditStreamSize()).toBe(before + 1);
    await until(async () => (await auditRows(id, 'template')).length === 2, 'two saves in the trail');
    expect(await auditRows(id, 'conflict')).toEqual([]);
  });

  it('refuses to delete a version newer than the one seen, and deletes the one seen once', async () => {
    const id = newId();
    await ask(anna, 'template-save', { id, name: 'Акт', body: 'v1', baseVersion: 0, requestId: 'r1' });
    await ask(anna, 'template-save', { id, name: 'Акт', body: 'v2', baseVersion: 1, requestId: 'r2' });
    expect(await ask(boris, 'template-delete', { id, baseVersion: 1 })).toEqual({
      ok: false,
      conflict: { version: 2, body: 'v2', name: 'Акт', by: 'Анна' },
    });
    expect(await ask(boris, 'template-delete', { id, baseVersion: 2 })).toEqual({ ok: true });
    expect(await ask(boris, 'template-delete', { id, baseVersion: 2 })).toEqual({ ok: true });
    await until(async () => (await auditRows(id, 'template_delete')).length === 1, 'the delete in the trail');
    expect((await auditRows(id, 'template_delete'))[0]!.detail).toEqual({ version: 2, name: 'Акт' });
  });
});

describe('templates in PostgreSQL', () => {
  it("keeps team_template a copy of the bucket: each save's text, and no row once deleted", async () => {
    const id = `t_${randomUUID()}`;
    const row = () => sql<{ body: string; version: number; updated_by: string }[]>`
      select body, version, updated_by from team_template where id = ${id} and team_id = ${teamId}`;
    await ask(anna, 'template-save', { id, name: 'Оплата', body: 'Счёт отправлен', baseVersion: 0, requestId: 'r1' });
    await ask(boris, 'template-save', { id, name: 'Оплата', body: 'Счёт оплачен', baseVersion: 1, requestId: 'r2' });
    await until(async () => (await row())[0]?.version === 2, 'the second version in PostgreSQL');
    expect(await row()).toEqual([{ body: 'Счёт оплачен', version: 2, updated_by: 'Борис' }]);
    await ask(anna, 'template-delete', { id, baseVersion: 2 });
    await until(async () => (await row()).length === 0, 'the deleted template to leave PostgreSQL');
  });
});

describe('sends', () => {
  async function sendRow(id: string) {
    return sql<{ status: string; operator_id: string; operator_name: string; provider_message_id: string | null }[]>`
      select status, operator_id, operator_name, provider_message_id from team_send where id = ${id}`;
  }

  it('records a send to a chat someone else holds as a conflict of the sender', async () => {
    const c = chat();
    await ask(anna, 'claim', { chat: c, ttlMs: hour });
    const r = sendRecord({ chat: c });
    await publishSend(boris, r);
    await until(async () => (await auditRows(c, 'conflict')).length === 1, 'the conflict in the trail');
    expect((await auditRows(c, 'conflict'))[0]).toMatchObject({
      id: `conflict:send:${r.id}`,
      operator_id: boris,
      detail: { sendId: r.id, heldBy: 'Анна', heldById: anna },
    });
    // Her own send to the chat she holds is no conflict.
    const own = sendRecord({ chat: c });
    await publishSend(anna, own);
    await until(async () => (await sendRow(own.id)).length === 1, 'her send in PostgreSQL');
    expect(await auditRows(c, 'conflict')).toHaveLength(1);
  });

  it('lands a send and its status changes in PostgreSQL once, whatever is replayed, and never moves back', async () => {
    const r = sendRecord();
    const sent = { ...r, status: 'sent', providerMessageId: 'pm-1', updatedAt: r.updatedAt + 10 };
    await publishSend(anna, r);
    await publishSend(anna, sent);
    expect((await publishSend(anna, sent)).duplicate).toBe(true);
    // Past the stream's duplicate window (another message id): the projection still takes it once.
    await publishSend(anna, sent, `${sendMsgId(sent)}:again`);
    await publishSend(anna, r, `${sendMsgId(r)}:again`);
    // Someone else publishing under the same send id does not take it over.
    await publishSend(boris, { ...r, status: 'failed', updatedAt: r.updatedAt + 20 });
    const marker = sendRecord();
    await publishSend(anna, marker);
    await until(async () => (await sendRow(marker.id)).length === 1, 'the records in PostgreSQL');
    expect(await sendRow(r.id)).toEqual([{ status: 'sent', operator_id: anna, operator_name: 'Анна', provider_message_id: 'pm-1' }]);
    expect((await auditRows(r.id)).map((a) => a.id)).toEqual([`send:${r.id}`, `status:${r.id}:sent`]);
  });

  it('stores a record with a character PostgreSQL cannot hold instead of stopping at it', async () => {
    const r = sendRecord({ preview: 'нуль\u0000здесь' });
    await publishSend(anna, r);
    const next = sendRecord();
    await publishSend(anna, next);
    await until(async () => (await sendRow(next.id)).length === 1, 'the record after it in PostgreSQL');
    const [row] = await sql<{ preview: string }[]>`select preview from team_send where id = ${r.id}`;
    expect(row?.preview).toBe('нуль\uFFFDздесь');
  });

  it('keeps every record through a PostgreSQL restart and lands it once PostgreSQL is back', async () => {
    cluster.stop('fast');
    const during = [sendRecord(), sendRecord()];
    for (const r of during) {
      await publishSend(vera, r);
      await publishSend(vera, { ...r, status: 'sent', updatedAt: r.updatedAt + 5 });
    }
    await new Promise((r) => setTimeout(r, 1_500));
    cluster.start();
    await until(async () => {
      try {
        return (await sql`select id from team_send where id in ${sql(during.map((r) => r.id))} and status = 'sent'`).length === 2;
      } catch {
        return false;
      }
    }, 'the sends made while PostgreSQL was away');
    for (const r of during) {
      expect((await sendRow(r.id))[0]).toMatchObject({ operator_name: 'Вера', status: 'sent' });
      expect((await auditRows(r.id)).map((a) => a.kind)).toEqual(['send', 'status']);
    }
  });

  it('makes its consumer again when someone deletes it', async () => {
    const jsm = await jetstreamManager(desk);
    // nats-server 2.9 can fail a delete while the consumer's files are being written ("directory not empty").
    await until(
      () =>
        jsm.consumers.delete(streams.sends, 'team-projection').then(
          () => true,
          () => false,
        ),
      'the consumer to be deleted',
    );
    const r = sendRecord();
    await publishSend(anna, r);
    await until(async () => (await sendRow(r.id)).length === 1, 'the send after the consumer was deleted', 60_000);
  });

  it('goes on projecting and answering after nats-server was killed and away for seconds', async () => {
    await nats.restart('SIGKILL', 8_000);
    await until(() => !desk.isClosed() && nc.info !== undefined, 'the connections to come back');
    const r = sendRecord();
    await until(async () => {
      try {
        await publishSend(anna, r);
        return true;
      } catch {
        return false;
      }
    }, 'nats-server to take a send again');
    await until(async () => (await sendRow(r.id)).length === 1, 'the send after the restart in PostgreSQL');
    const c = chat();
    expect(await ask(anna, 'claim', { chat: c, ttlMs: hour })).toEqual({ ok: true });
    await until(async () => (await auditRows(c, 'claim')).length === 1, 'a claim after the restart in the trail');
    const id = `t_${randomUUID()}`;
    await ask(anna, 'template-save', { id, name: 'После', body: 'перезапуска', baseVersion: 0, requestId: 'r1' });
    await until(async () => (await sql`select 1 from team_template where id = ${id}`).length === 1, 'the template copy after the restart');
  });

  it('takes up where it stopped when the service is started again', async () => {
    await service.stop();
    const r = sendRecord();
    await publishSend(anna, r);
    await publishSend(anna, { ...r, status: 'sent', updatedAt: r.updatedAt + 1 });
    service = await serveTeam(nc, { sql, teamId, log: (m) => serviceLog.push(m) });
    await until(async () => (await sendRow(r.id))[0]?.status === 'sent', 'the sends made while it was stopped');
    // The stopped service's last pull may have taken the first record with it: it comes again later, and
    // changes nothing then (the row is already past it).
    expect((await auditRows(r.id, 'send')).map((a) => a.id)).toEqual([`send:${r.id}`]);
  });
});
