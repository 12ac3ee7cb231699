import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntrySchema, sendMsgId, sendRecordSchema, templateValueSchema, type SendRecord } from '../protocol/messages.ts';
import { buckets, streams, subjects } from '../protocol/subjects.ts';
import { freePort } from '../src/free-port.ts';
import { migrations } from '../src/migrations.ts';
import { openCluster, type Cluster } from '../src/postgres-cluster.ts';
import { ensureTeam, serveTeam, type TeamService } from '../src/service/index.ts';
import { projectionConsumer } from '../src/service/projection.ts';
import { importZeroEra } from '../src/service/zero-era-import.ts';
import type { TeamSend } from '../../shared/team.ts';
import { plainNats, until } from './plain-nats.ts';
import { call, teamDesktop, testStack, type Desktop } from './stack-fixture.ts';

const teamId = 'team_old';
const anna = 'op_anna';
const boris = 'op_boris';

let dir: string;
let nats: Awaited<ReturnType<typeof plainNats>>;
let cluster: Cluster;
let sql: postgres.Sql;
let nc: NatsConnection;
let jsm: JetStreamManager;
let templates: KV;
let service: TeamService | undefined;
const serviceLog: string[] = [];

/** A team_send row as the Zero-era server wrote it. */
function sendRow(id: string, operatorId: string, over: Record<string, unknown> = {}) {
  return {
    id,
    team_id: teamId,
    operator_id: operatorId,
    operator_name: operatorId === anna ? 'Анна' : 'Борис',
    provider: 'telegram',
    account: 'acc1',
    chat: `chat-${id}`,
    recipient: `rcpt-${id}`,
    preview: `Привет от ${id}`,
    status: 'sent',
    provider_message_id: null,
    created_at: 1_700_000_000_000,
    updated_at: 1_700_000_000_500,
    synced_at: 1_700_000_000_600,
    preview_data: null,
    ...over,
  };
}

const oldSends = [
  sendRow('s_text', anna, { preview_data: sql_json({ kind: 'text', text: 'Привет' }), provider_message_id: 'tg-1' }),
  sendRow('s_files', boris, { preview_data: sql_json({ kind: 'files', count: 2, names: ['a.pdf', 'b.pdf'] }), status: 'delivered' }),
  // Not a preview the protocol knows: the record goes without it, and desktops read the text.
  sendRow('s_oddpreview', anna, { preview_data: sql_json({ kind: 'hologram' }) }),
  sendRow('s_nopreview', boris, { status: 'outcome_unknown', updated_at: 1_700_000_009_000 }),
  // Already published by its desktop on NATS (and projected since): the stream's record stays the only one.
  sendRow('s_published', anna, { status: 'delivered' }),
  // Ids the Zero-era schema allowed but a subject cannot carry.
  sendRow('bad.id', anna),
  sendRow('s_badop', 'op with space'),
];

/** JSON for a jsonb column, set when the rows are inserted (sql is not open yet at module load). */
function sql_json(value: unknown) {
  return { json: value };
}

const projected = async () => {
  for (const stream of [streams.sends, streams.audit]) {
    const c = await jsm.consumers.info(stream, projectionConsumer);
    if (c.num_pending > 0 || c.num_ack_pending > 0) return false;
  }
  return true;
};

const teamSendRows = () => sql`select * from team_send where team_id = ${teamId} order by id`;

async function streamRecords(): Promise<Map<string, SendRecord[]>> {
  const found = new Map<string, SendRecord[]>();
  const info = await jsm.streams.info(streams.sends);
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(streams.sends, { seq });
    if (!m) continue;
    found.set(m.subject, [...(found.get(m.subject) ?? []), sendRecordSchema.parse(m.json())]);
  }
  return found;
}

async function setUp(): Promise<TeamService> {
  await ensureTeam(jsm);
  return serveTeam(nc, { sql, teamId, log: (m) => serviceLog.push(m) });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'team-zero-import-'));
  nats = await plainNats(join(dir, 'nats'));
  cluster = openCluster(dir, await freePort());
  sql = postgres(cluster.url, { max: 4, onnotice: () => {} });
  for (const m of migrations) await sql.unsafe(m);

  for (const row of oldSends) {
    const { preview_data, ...rest } = row;
    const data = preview_data as { json: unknown } | null;
    await sql`insert into team_send ${sql({ ...rest, preview_data: data ? sql.json(data.json as postgres.JSONValue) : null })}`;
  }
  // Another team's row is not this team's to publish.
  await sql`insert into team_send ${sql({ ...sendRow('s_other_team', anna), team_id: 'team_else', preview_data: null })}`;
  for (const [id, name, version] of [
    ['tpl_hello', 'Приветствие', 3],
    ['tpl_taken', 'Старый текст', 1],
    ['tpl.bad', 'Точка в id', 1],
  ] as const)
    await sql`insert into team_template (id, team_id, name, body, version, updated_by, updated_at)
      values (${id}, ${teamId}, ${name}, ${`Текст ${id}`}, ${version}, 'Анна', 1700000001000)`;
  for (const [id, kind, subject] of [
    ['conflict:client1:7', 'conflict', 'chat-s_text'],
    ['conflict:send:s_files', 'conflict', 'chat-s_files'],
    ['claim:x:op_anna:1700000000000', 'claim', 'chat-s_text'],
  ] as const)
    await sql`insert into team_audit (id, team_id, operator_id, operator_name, kind, subject, detail, at)
      values (${id}, ${teamId}, ${anna}, 'Анна', ${kind}, ${subject}, ${sql.json({ heldBy: 'Борис' })}, 1700000002000)`;

  // Boris is still in the team, renamed since his old sends: the team's operator table names him.
  await sql`insert into team_operator (id, team_id, login, name, password_hash, created_at)
    values (${boris}, ${teamId}, 'boris', 'Борис Петров', 'x', 1700000000000)`;

  nc = await nats.connect();
  jsm = await jetstreamManager(nc);
  await ensureTeam(jsm);
  templates = await new Kvm(nc).open(buckets.templates);
  // What NATS holds already: a desktop's own record of s_published (as projected into team_send), and a
  // template saved on NATS under an id the old table also has.
  const published = sendRecordSchema.parse({
    id: 's_published',
    provider: 'telegram',
    account: 'acc1',
    chat: 'chat-s_published',
    recipient: 'rcpt-s_published',
    preview: 'Привет от s_published',
    status: 'delivered',
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_500,
  });
  await jetstream(nc).publish(subjects.send(anna, 's_published'), JSON.stringify(published), { msgID: `desktop-${sendMsgId(published)}` });
  await templates.create(
    'tpl_taken',
    JSON.stringify({
      id: 'tpl_taken',
      name: 'Новый текст',
      body: 'Сохранён на NATS',
      version: 2,
      updatedBy: 'Борис',
      updatedAt: 1_700_000_050_000,
    }),
  );
});

afterAll(async () => {
  await service?.stop();
  await nc?.close();
  await sql?.end({ timeout: 2 });
  cluster?.stop('fast');
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a team server upgraded from the Zero-era build', () => {
  let before: postgres.RowList<postgres.Row[]>;

  it('publishes the old sends, templates and conflicts at the team set-up', async () => {
    before = await teamSendRows();
    service = await setUp();

    const records = await streamRecords();
    expect([...records.keys()].sort()).toEqual(
      [
        subjects.send(anna, 's_text'),
        subjects.send(boris, 's_files'),
        subjects.send(anna, 's_oddpreview'),
        subjects.send(boris, 's_nopreview'),
        subjects.send(anna, 's_published'),
      ].sort(),
    );
    expect(records.get(subjects.send(anna, 's_published'))).toHaveLength(1);
    expect(records.get(subjects.send(anna, 's_text'))).toEqual([
      {
        id: 's_text',
        provider: 'telegram',
        account: 'acc1',
        chat: 'chat-s_text',
        recipient: 'rcpt-s_text',
        preview: 'Привет от s_text',
        previewData: { kind: 'text', text: 'Привет' },
        status: 'sent',
        providerMessageId: 'tg-1',
        createdAt: 1_700_000_000_000,
        updatedAt: 1_700_000_000_500,
      },
    ]);
    expect(records.get(subjects.send(boris, 's_files'))?.[0]).toMatchObject({
      status: 'delivered',
      previewData: { kind: 'files', count: 2, names: ['a.pdf', 'b.pdf'] },
    });
    expect(records.get(subjects.send(anna, 's_oddpreview'))?.[0]).not.toHaveProperty('previewData');
    expect(records.get(subjects.send(boris, 's_nopreview'))?.[0]).toMatchObject({
      status: 'outcome_unknown',
      updatedAt: 1_700_000_009_000,
    });
    expect(records.get(subjects.send(boris, 's_nopreview'))?.[0]).not.toHaveProperty('providerMessageId');

    const hello = await templates.get('tpl_hello');
    expect(templateValueSchema.parse(hello?.json())).toEqual({
      id: 'tpl_hello',
      name: 'Приветствие',
      body: 'Текст tpl_hello',
      version: 3,
      updatedBy: 'Анна',
      updatedAt: 1_700_000_001_000,
    });
    expect(await templates.get('tpl.bad').catch(() => null)).toBeNull();

    const conflicts = [];
    const audit = await jsm.streams.info(streams.audit);
    for (let seq = audit.state.first_seq; seq <= audit.state.last_seq && audit.state.messages > 0; seq++) {
      const m = await jsm.streams.getMessage(streams.audit, { seq });
      if (m) conflicts.push({ subject: m.subject, entry: auditEntrySchema.parse(m.json()) });
    }
    expect(conflicts.map((c) => c.entry.id).sort()).toEqual(['conflict:client1:7', 'conflict:send:s_files']);
    expect(conflicts.every((c) => c.subject === subjects.audit('conflict', anna) && c.entry.kind === 'conflict')).toBe(true);

    expect(serviceLog.filter((l) => l.startsWith('Zero-era data imported'))).toEqual([
      'Zero-era data imported into NATS: sends 4 published, 1 there already, 2 skipped (id not a subject token), 0 skipped (does not parse); ' +
        'templates 1 created, 1 there already, 1 skipped (id not a subject token), 0 skipped (does not parse); ' +
        'conflicts 2 published, 0 there already, 0 skipped (id not a subject token), 0 skipped (does not parse); ' +
        'operator names 2 created, 0 there already, 1 skipped (id not a subject token), 0 skipped (does not parse)',
    ]);
  });

  it('names the operators of the old rows where the operators bucket does not (the team table first)', async () => {
    const operators = await new Kvm(nc).open(buckets.operators);
    expect((await operators.get(anna))?.json()).toEqual({ name: 'Анна' });
    expect((await operators.get(boris))?.json()).toEqual({ name: 'Борис Петров' });
  });

  it('keeps a template the bucket already holds', async () => {
    expect(templateValueSchema.parse((await templates.get('tpl_taken'))?.json())).toMatchObject({
      name: 'Новый текст',
      body: 'Сохранён на NATS',
      version: 2,
      updatedBy: 'Борис',
    });
  });

  it('leaves team_send as it was once the projection has read the imported records back', async () => {
    await until(projected, 'the projection to read SENDS and AUDIT');
    expect(await teamSendRows()).toEqual(before);
    const conflictRows = await sql`select id from team_audit where team_id = ${teamId} and kind = 'conflict' order by id`;
    expect(conflictRows.map((r) => r.id)).toEqual(['conflict:client1:7', 'conflict:send:s_files']);
  });

  it('publishes nothing new at a second set-up', async () => {
    const sendsBefore = (await jsm.streams.info(streams.sends)).state.messages;
    const auditBefore = (await jsm.streams.info(streams.audit)).state.messages;
    const templatesBefore = (await jsm.streams.info('KV_templates')).state.messages;
    await service?.stop();
    service = await setUp();
    expect((await jsm.streams.info(streams.sends)).state.messages).toBe(sendsBefore);
    expect((await jsm.streams.info(streams.audit)).state.messages).toBe(auditBefore);
    expect((await jsm.streams.info('KV_templates')).state.messages).toBe(templatesBefore);
    expect(serviceLog.filter((l) => l.startsWith('Zero-era data imported'))).toHaveLength(1);
  });

  it('publishes nothing new either when the import is done again (its record of being done lost)', async () => {
    await sql`delete from team_nats_import where team_id = ${teamId}`;
    const sendsBefore = (await jsm.streams.info(streams.sends)).state.messages;
    const counts = await importZeroEra({
      js: jetstream(nc),
      jsm,
      templates,
      operators: await new Kvm(nc).open(buckets.operators),
      sql,
      teamId,
      log: (m) => serviceLog.push(m),
    });
    expect(counts?.sends).toEqual({ published: 0, present: 5, badId: 2, invalid: 0 });
    expect(counts?.templates).toEqual({ created: 0, present: 2, badId: 1, invalid: 0 });
    // Within the stream's 24-hour duplicate window the conflicts' ids are refused as replays.
    expect(counts?.conflicts).toEqual({ published: 0, present: 2, badId: 0, invalid: 0 });
    expect(counts?.operators).toEqual({ created: 0, present: 2, badId: 1, invalid: 0 });
    expect((await jsm.streams.info(streams.sends)).state.messages).toBe(sendsBefore);
    await until(projected, 'the projection to read SENDS and AUDIT');
    expect(await teamSendRows()).toEqual(before);
  });
});

describe('a desktop signing in to a team whose data the Zero-era build left in PostgreSQL', () => {
  let stack: Awaited<ReturnType<typeof testStack>> | undefined;
  let boris: Desktop | undefined;

  afterAll(async () => {
    await boris?.dispose();
    await stack?.dispose();
  });

  it('sees the old sends, templates and conflicts in its team view at once', async () => {
    stack = await testStack();
    // A team not set up yet on this server (its first sign-in sets it up), with rows only in the old tables.
    const password = await stack.addOperator('boris', 'Boris', 'legacy');
    const at = Date.now() - 3_600_000;
    await stack.api.sql`insert into team_send (id, team_id, operator_id, operator_name, provider, account, chat, recipient, preview, status,
        provider_message_id, created_at, updated_at, synced_at, preview_data)
      values ('old-send', 'legacy', 'op_old', 'Old desktop', 'pachca', 'pachca|sandbox|', 'pachca|sandbox||x', 'x', 'Счёт отправлен', 'delivered',
        'p-1', ${at}, ${at + 500}, ${at + 600}, ${stack.api.sql.json({ kind: 'text', text: 'Счёт отправлен' })})`;
    await stack.api.sql`insert into team_template (id, team_id, name, body, version, updated_by, updated_at)
      values ('old_tpl', 'legacy', 'Старый шаблон', 'Добрый день!', 4, 'Old desktop', ${at})`;
    await stack.api.sql`insert into team_audit (id, team_id, operator_id, operator_name, kind, subject, detail, at)
      values ('conflict:old-client:3', 'legacy', 'op_old', 'Old desktop', 'conflict', 'pachca|sandbox||x',
        ${stack.api.sql.json({ sendId: 'old-send', heldBy: 'Boris', heldById: 'op_boris' })}, ${at})`;

    boris = await teamDesktop(stack, 'boris', password);
    const desk = boris;
    await until(async () => (await call<TeamSend[]>(desk, 'team.sends')).some((s) => s.id === 'old-send'), 'the old send in the view');
    expect((await call<TeamSend[]>(desk, 'team.sends')).find((s) => s.id === 'old-send')).toMatchObject({
      status: 'delivered',
      operatorName: 'Old desktop',
      preview: { kind: 'text', text: 'Счёт отправлен' },
      mine: false,
    });
    await until(
      async () => (await call<{ id: string }[]>(desk, 'team.templates')).some((t) => t.id === 'old_tpl'),
      'the old template in the view',
    );
    expect((await call<{ id: string; version: number }[]>(desk, 'team.templates')).find((t) => t.id === 'old_tpl')).toMatchObject({
      name: 'Старый шаблон',
      body: 'Добрый день!',
      version: 4,
    });
    await until(
      async () =>
        (await call<{ kind: string; by: string }[]>(desk, 'team.conflicts')).some((c) => c.kind === 'team' && c.by === 'Old desktop'),
      'the old conflict in the view',
    );
    // The team server says once what it imported, and nothing else.
    expect(stack.logged).toEqual([
      expect.stringMatching(
        /^\[team legacy\] Zero-era data imported into NATS: sends 1 published, 0 there already, .*; templates 1 created, .*; conflicts 1 published, /,
      ),
    ]);
  });
});
