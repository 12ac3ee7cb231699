import type { JetStreamClient, JetStreamManager, PubAck } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type postgres from 'postgres';
import { sendPreviewSchema } from '../../../shared/send-labels-schema.ts';
import {
  auditEntrySchema,
  operatorValueSchema,
  sendMsgId,
  sendRecordSchema,
  templateValueSchema,
  type SendRecord,
} from '../../protocol/messages.ts';
import { isToken, streams, subjects } from '../../protocol/subjects.ts';
import { isStaleWrite } from './stale-write.ts';

/**
 * How many publishes are in flight at once: enough that 25 000 rows take seconds, not a round trip
 * each; few enough that nats-server's pending acks and this process's memory stay small.
 */
const window = 256;

export interface ZeroEraImportDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  templates: KV;
  operators: KV;
  sql: postgres.Sql;
  teamId: string;
  log: (message: string) => void;
}

export interface ZeroEraCounts {
  sends: { published: number; present: number; badId: number; invalid: number };
  templates: { created: number; present: number; badId: number; invalid: number };
  conflicts: { published: number; present: number; badId: number; invalid: number };
  operators: { created: number; present: number; badId: number; invalid: number };
}

type SendRow = {
  id: string;
  operator_id: string;
  provider: string;
  account: string;
  chat: string;
  recipient: string;
  preview: string;
  preview_data: unknown;
  status: string;
  provider_message_id: string | null;
  created_at: number;
  updated_at: number;
};

/** Publishes in windows and tells how many the stream took as new (a duplicate msgID is acked too). */
async function publishAll(items: (() => Promise<PubAck>)[]): Promise<{ published: number; present: number }> {
  let published = 0;
  let present = 0;
  for (let i = 0; i < items.length; i += window) {
    for (const ack of await Promise.all(items.slice(i, i + window).map((publish) => publish())))
      if (ack.duplicate) present++;
      else published++;
  }
  return { published, present };
}

/**
 * The subjects SENDS already holds. A record already there (a send a desktop published, projected into
 * team_send since) is not published again: its msgID would be refused only within the 24-hour window,
 * and the stream's record is the desktop's own. One paged stream-info request, not a get per row.
 */
async function sendSubjectsHeld(jsm: JetStreamManager): Promise<Set<string>> {
  const info = await jsm.streams.info(streams.sends, { subjects_filter: subjects.allSends });
  return new Set(Object.keys(info.state.subjects ?? {}));
}

function recordOf(row: SendRow): SendRecord | undefined {
  const previewData = sendPreviewSchema.safeParse(row.preview_data);
  const record = sendRecordSchema.safeParse({
    id: row.id,
    provider: row.provider,
    account: row.account,
    chat: row.chat,
    recipient: row.recipient,
    preview: row.preview,
    // Left out when it does not parse: desktops then word the preview from its text.
    ...(previewData.success ? { previewData: previewData.data } : {}),
    status: row.status,
    ...(row.provider_message_id !== null ? { providerMessageId: row.provider_message_id } : {}),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  });
  return record.success ? record.data : undefined;
}

async function importSends(deps: ZeroEraImportDeps): Promise<ZeroEraCounts['sends']> {
  const held = await sendSubjectsHeld(deps.jsm);
  const counts = { published: 0, present: 0, badId: 0, invalid: 0 };
  const pending: (() => Promise<PubAck>)[] = [];
  // Oldest first, so a desktop following the stream live sees them in the order they happened.
  const cursor = deps.sql<SendRow[]>`select id, operator_id, provider, account, chat, recipient, preview, preview_data, status,
      provider_message_id, created_at, updated_at from team_send where team_id = ${deps.teamId} order by updated_at, id`.cursor(1000);
  for await (const rows of cursor) {
    for (const row of rows) {
      if (!isToken(row.id) || !isToken(row.operator_id)) {
        counts.badId++;
        continue;
      }
      const subject = subjects.send(row.operator_id, row.id);
      if (held.has(subject)) {
        counts.present++;
        continue;
      }
      const record = recordOf(row);
      if (!record) {
        counts.invalid++;
        continue;
      }
      pending.push(() => deps.js.publish(subject, JSON.stringify(record), { msgID: sendMsgId(record) }));
    }
    if (pending.length >= window) {
      const done = await publishAll(pending.splice(0));
      counts.published += done.published;
      counts.present += done.present;
    }
  }
  const done = await publishAll(pending);
  counts.published += done.published;
  counts.present += done.present;
  return counts;
}

async function importTemplates(deps: ZeroEraImportDeps): Promise<ZeroEraCounts['templates']> {
  const counts = { created: 0, present: 0, badId: 0, invalid: 0 };
  const rows = await deps.sql<{ id: string; name: string; body: string; version: number; updated_by: string; updated_at: number }[]>`
    select id, name, body, version, updated_by, updated_at from team_template where team_id = ${deps.teamId} order by id`;
  for (let i = 0; i < rows.length; i += window) {
    await Promise.all(
      rows.slice(i, i + window).map(async (row) => {
        if (!isToken(row.id)) return counts.badId++;
        const value = templateValueSchema.safeParse({
          id: row.id,
          name: row.name,
          body: row.body,
          version: row.version,
          updatedBy: row.updated_by,
          updatedAt: Number(row.updated_at),
        });
        if (!value.success) return counts.invalid++;
        try {
          // Only where the key is absent: a template the bucket holds (edited or deleted since) wins.
          await deps.templates.create(row.id, JSON.stringify(value.data));
          return counts.created++;
        } catch (e) {
          if (isStaleWrite(e)) return counts.present++;
          throw e;
        }
      }),
    );
  }
  return counts;
}

/**
 * Conflicts only: desktops list them from AUDIT. The other entries of the old trail stay in PostgreSQL,
 * where reports read them; the projection writes new ones there too.
 */
async function importConflicts(deps: ZeroEraImportDeps): Promise<ZeroEraCounts['conflicts']> {
  const counts = { published: 0, present: 0, badId: 0, invalid: 0 };
  const rows = await deps.sql<
    { id: string; operator_id: string; operator_name: string; subject: string; detail: unknown; at: number }[]
  >`select id, operator_id, operator_name, subject, detail, at from team_audit
    where team_id = ${deps.teamId} and kind = 'conflict' order by at, id`;
  const pending: (() => Promise<PubAck>)[] = [];
  for (const row of rows) {
    if (!isToken(row.operator_id)) {
      counts.badId++;
      continue;
    }
    const entry = auditEntrySchema.safeParse({
      id: row.id,
      kind: 'conflict',
      subject: row.subject,
      operatorId: row.operator_id,
      operatorName: row.operator_name,
      detail: row.detail,
      at: Number(row.at),
    });
    if (!entry.success) {
      counts.invalid++;
      continue;
    }
    const e = entry.data;
    pending.push(() => deps.js.publish(subjects.audit('conflict', e.operatorId), JSON.stringify(e), { msgID: e.id }));
  }
  const done = await publishAll(pending);
  return { ...counts, ...done };
}

/**
 * Desktops name a send's operator from the `operators` bucket, which the server writes at sign-in: an
 * operator who sent in the Zero era and has not signed in since (or has left the team) would show no
 * name. Their name goes there too, where the key is absent: the team's operator table's, else the one
 * their newest send or conflict was recorded with.
 */
async function importOperators(deps: ZeroEraImportDeps): Promise<ZeroEraCounts['operators']> {
  const counts = { created: 0, present: 0, badId: 0, invalid: 0 };
  const rows = await deps.sql<{ id: string; name: string }[]>`
    select distinct on (o.id) o.id, coalesce(t.name, o.name) as name
    from (select operator_id as id, operator_name as name, updated_at as at from team_send where team_id = ${deps.teamId}
          union all
          select operator_id, operator_name, at from team_audit where team_id = ${deps.teamId} and kind = 'conflict') o
    left join team_operator t on t.id = o.id and t.team_id = ${deps.teamId}
    order by o.id, o.at desc`;
  for (let i = 0; i < rows.length; i += window) {
    await Promise.all(
      rows.slice(i, i + window).map(async (row) => {
        if (!isToken(row.id)) return counts.badId++;
        const value = operatorValueSchema.safeParse({ name: row.name });
        if (!value.success) return counts.invalid++;
        try {
          await deps.operators.create(row.id, JSON.stringify(value.data));
          return counts.created++;
        } catch (e) {
          if (isStaleWrite(e)) return counts.present++;
          throw e;
        }
      }),
    );
  }
  return counts;
}

/** Whether this team's Zero-era rows were imported already (by this build, at an earlier start). */
async function importedBefore(sql: postgres.Sql, teamId: string): Promise<boolean> {
  const [row] = await sql`select 1 from team_nats_import where team_id = ${teamId}`;
  return row !== undefined;
}

/**
 * A team server that ran the Zero-era build kept the team's shared data in PostgreSQL (team_send,
 * team_template, team_audit); on NATS the desktops read it from the streams and buckets. At the team's
 * set-up, what those lack is published there once: each send as its record (msgID = sendMsgId, and
 * skipped when SENDS holds its subject already), each template created only where its key is absent,
 * each conflict with its id as msgID, and the names of the operators they name where the `operators`
 * bucket has none. Ids that cannot be subject tokens are skipped and counted.
 *
 * Done is remembered in team_nats_import, written only once everything was acknowledged: a later
 * start asks PostgreSQL one row instead of reading the stream's subjects and the tables again, and an
 * import cut short is simply done again (nothing it published twice changes a reader or the projection,
 * which inserts a send once and moves its status only forward).
 */
export async function importZeroEra(deps: ZeroEraImportDeps): Promise<ZeroEraCounts | undefined> {
  if (await importedBefore(deps.sql, deps.teamId)) return undefined;
  const sends = await importSends(deps);
  const templates = await importTemplates(deps);
  const conflicts = await importConflicts(deps);
  const operators = await importOperators(deps);
  const counts = { sends, templates, conflicts, operators };
  await deps.sql`insert into team_nats_import (team_id, imported_at, detail)
    values (${deps.teamId}, ${Date.now()}, ${deps.sql.json(counts)})
    on conflict (team_id) do nothing`;
  const line = (what: string, c: { present: number; badId: number; invalid: number }, made: number, verb: string) =>
    `${what} ${made} ${verb}, ${c.present} there already, ${c.badId} skipped (id not a subject token), ${c.invalid} skipped (does not parse)`;
  // A team that never ran the Zero-era build (every team made since) has nothing to say here.
  if (Object.values(counts).every((c) => Object.values(c).every((n) => n === 0))) return counts;
  deps.log(
    `Zero-era data imported into NATS: ${line('sends', sends, sends.published, 'published')}; ` +
      `${line('templates', templates, templates.created, 'created')}; ${line('conflicts', conflicts, conflicts.published, 'published')}; ` +
      `${line('operator names', operators, operators.created, 'created')}`,
  );
  return counts;
}
