import { DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { createUser } from '@nats-io/nkeys';
import { connect, jwtAuthenticator } from '@nats-io/transport-node';
import type postgres from 'postgres';
import { z } from 'zod';
import {
  auditEntrySchema,
  sendRecordSchema,
  signInAnswerSchema,
  templateValueSchema,
  type AuditEntry,
  type SendRecord,
  type TemplateValue,
} from '../../protocol/messages.ts';
import { buckets, desktopInbox, parseSendSubject, streams } from '../../protocol/subjects.ts';

/**
 * What the team server keeps, read once the day is over, for the simulation's invariants. The
 * streams are the record itself (a send is what SENDS holds, a claim's history is what the
 * service appended to AUDIT at its compare-and-set), so they are read whole, every message in
 * stream order — not folded the way a desktop folds them, which would hide a record stored twice.
 * They are read through the door a desktop uses: the API's sign-in with a key of our own, and the
 * permissions that hands out (read anything of the team, write nothing but one's own). PostgreSQL's
 * `team_send`/`team_audit` are the service's projection of those streams for reporting: read beside
 * them, so a projection that lost or doubled something is a failed invariant too.
 */
export interface StreamedSend {
  seq: number;
  operatorId: string;
  record: SendRecord;
}

export interface ServerRecord {
  sends: StreamedSend[];
  audit: (AuditEntry & { seq: number })[];
  template(id: string): TemplateValue | undefined;
  /** Messages a schema refused (none is expected: each side parses what it publishes). */
  unreadable: number;
}

async function readWhole<T>(
  js: JetStreamClient,
  stream: string,
  lastSeq: number,
  each: (subject: string, data: Uint8Array, seq: number) => T,
) {
  const out: T[] = [];
  if (lastSeq === 0) return out;
  const consumer = await js.consumers.get(stream, { deliver_policy: DeliverPolicy.All });
  const messages = await consumer.consume({ max_messages: 1000 });
  const timer = setTimeout(() => void messages.close(), 120_000);
  try {
    for await (const m of messages) {
      out.push(each(m.subject, m.data, m.seq));
      if (m.seq >= lastSeq) break;
    }
  } finally {
    clearTimeout(timer);
    await messages.close();
  }
  if (!out.length) throw new Error(`${stream}: nothing read up to seq ${lastSeq}`);
  return out;
}

export async function readServerRecord(
  apiUrl: string,
  login: { login: string; password: string },
  templateIds: readonly string[],
): Promise<ServerRecord> {
  const key = createUser();
  const r = await fetch(new URL('/v1/login', apiUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...login, natsKey: key.getPublicKey() }),
    signal: AbortSignal.timeout(60_000),
  });
  if (!r.ok) throw new Error(`sign-in for the invariants: HTTP ${r.status}`);
  const answer = signInAnswerSchema.parse(await r.json());
  const nc = await connect({
    servers: answer.nats.url.replace(/^nats:\/\//, ''),
    authenticator: jwtAuthenticator(answer.nats.jwt, key.getSeed()),
    // A desktop's JWT lets it subscribe under its own inbox prefix only.
    inboxPrefix: desktopInbox(answer.operator.id),
    name: 'team-sim-invariants',
  });
  try {
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    const lastOf = async (name: string) => (await jsm.streams.info(name)).state.last_seq;
    let unreadable = 0;
    const json = (data: Uint8Array): unknown => {
      try {
        return JSON.parse(new TextDecoder().decode(data));
      } catch {
        return undefined;
      }
    };
    const sends = (
      await readWhole(js, streams.sends, await lastOf(streams.sends), (subject, data, seq) => {
        const who = parseSendSubject(subject);
        const record = sendRecordSchema.safeParse(json(data));
        if (!who || !record.success) {
          unreadable++;
          return undefined;
        }
        return { seq, operatorId: who.operatorId, record: record.data };
      })
    ).filter((x) => x !== undefined);
    const audit = (
      await readWhole(js, streams.audit, await lastOf(streams.audit), (_subject, data, seq) => {
        const entry = auditEntrySchema.safeParse(json(data));
        if (!entry.success) {
          unreadable++;
          return undefined;
        }
        return { ...entry.data, seq };
      })
    ).filter((x) => x !== undefined);
    const kv = await new Kvm(nc).open(buckets.templates);
    const templates = new Map<string, TemplateValue>();
    for (const id of templateIds) {
      const e = await kv.get(id);
      if (!e || e.operation !== 'PUT') continue;
      const t = templateValueSchema.safeParse(json(e.value));
      if (t.success) templates.set(id, t.data);
      else unreadable++;
    }
    return { sends, audit, template: (id) => templates.get(id), unreadable };
  } finally {
    await nc.close();
  }
}

/** PostgreSQL's copy of the streams, as the service projected it (kept for sign-in and reporting). */
export interface Projection {
  /** Rows per send id in team_send (a primary key: more than one would be a broken schema). */
  sendRows: Map<string, { rows: number; status: string }>;
  /** 'send' audit rows per send id: the projection recording a send's arrival twice. */
  sendAuditRows: Map<string, number>;
}

export async function readProjection(sql: postgres.Sql, teamId: string): Promise<Projection> {
  const rows = z
    .array(z.object({ id: z.string(), n: z.number(), status: z.string() }))
    .parse(await sql`select id, count(*)::int as n, max(status) as status from team_send where team_id = ${teamId} group by id`);
  const audits = z
    .array(z.object({ subject: z.string(), n: z.number() }))
    .parse(await sql`select subject, count(*)::int as n from team_audit where team_id = ${teamId} and kind = 'send' group by subject`);
  return {
    sendRows: new Map(rows.map((r) => [r.id, { rows: r.n, status: r.status }])),
    sendAuditRows: new Map(audits.map((a) => [a.subject, a.n])),
  };
}
