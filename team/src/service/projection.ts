import {
  AckPolicy,
  DeliverPolicy,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type postgres from 'postgres';
import { previewOfText } from '../../../shared/preview-text.ts';
import { auditEntrySchema, sendRecordSchema, type ClaimValue, type SendRecord } from '../../protocol/messages.ts';
import { parseSendSubject, streams } from '../../protocol/subjects.ts';
import { appendAudit } from './audit.ts';
import type { NameOf } from './operator-names.ts';
import { isLastingRefusal, pgSafe } from './pg-safe.ts';

export interface ProjectionDeps {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  sql: postgres.Sql;
  teamId: string;
  /** Who held a chat at a moment (claims-view.ts). */
  holderAt(chat: string, at: number): Promise<ClaimValue | undefined>;
  nameOf: NameOf;
  log: (message: string) => void;
}

/** One durable consumer per stream, shared by every service process of the team (they split the work). */
export const projectionConsumer = 'team-projection';
/**
 * A pull still open at the server when a service stops may be handed a message no one reads any more;
 * it comes again after this long. A batch takes well under it; one waiting for PostgreSQL pushes it on.
 */
const ackWaitMs = 15_000;

function jsonOf(m: JsMsg): unknown {
  try {
    return m.json();
  } catch {
    return undefined;
  }
}

/**
 * A send's record into team_send, once. The first record inserts the row (and its `send` entry in
 * team_audit); a later one moves status and updatedAt forward only, and only for the operator the
 * subject names (the send's owner: the first one wins). Replayed or redelivered records change
 * nothing. The `send` and `status` entries go to PostgreSQL only, not to AUDIT: desktops read a
 * send's trail from SENDS itself, and AUDIT carries what only the service knows (claims, templates,
 * conflicts). Returns whether this record made the row.
 */
async function projectSend(
  tx: postgres.TransactionSql,
  teamId: string,
  operatorId: string,
  operatorName: string,
  record: SendRecord,
  at: number,
): Promise<boolean> {
  const r = pgSafe(record);
  const name = pgSafe(operatorName);
  const previewData = r.previewData ?? previewOfText(r.provider, r.preview, 'team row');
  const made = await tx`insert into team_send (id, team_id, operator_id, operator_name, provider, account, chat, recipient, preview, status,
      provider_message_id, created_at, updated_at, synced_at, preview_data)
    values (${r.id}, ${teamId}, ${operatorId}, ${name}, ${r.provider}, ${r.account}, ${r.chat}, ${r.recipient}, ${r.preview},
      ${r.status}, ${r.providerMessageId ?? null}, ${r.createdAt}, ${r.updatedAt}, ${Date.now()}, ${tx.json(previewData as postgres.JSONValue)})
    on conflict (id) do nothing returning id`;
  if (made.length) {
    await tx`insert into team_audit (id, team_id, operator_id, operator_name, kind, subject, detail, at)
      values (${`send:${r.id}`}, ${teamId}, ${operatorId}, ${name}, 'send', ${r.id},
        ${tx.json({ chat: r.chat, status: r.status, provider: r.provider })}, ${at})
      on conflict (id) do nothing`;
    return true;
  }
  const moved = await tx`update team_send set status = ${r.status},
      provider_message_id = coalesce(${r.providerMessageId ?? null}, provider_message_id), updated_at = ${r.updatedAt}, synced_at = ${Date.now()}
    where id = ${r.id} and team_id = ${teamId} and operator_id = ${operatorId} and updated_at <= ${r.updatedAt} and status <> ${r.status}`;
  if (moved.count > 0)
    await tx`insert into team_audit (id, team_id, operator_id, operator_name, kind, subject, detail, at)
      values (${`status:${r.id}:${r.status}`}, ${teamId}, ${operatorId}, ${name}, 'status', ${r.id}, ${tx.json({ status: r.status })}, ${at})
      on conflict (id) do nothing`;
  return false;
}

/**
 * A send to a chat someone else held is a double answer: recorded (in AUDIT, where desktops read
 * conflicts), never hidden. Judged by the claim as it stood when the send was made (its `createdAt`),
 * whenever the record is read: a holder who released the chat before the service got to the send (it
 * waited for PostgreSQL, or the desktop was offline) does not hide it, and a colleague who claimed the
 * chat after the send is not blamed on it.
 */
async function checkConflict(deps: ProjectionDeps, operatorId: string, operatorName: string, r: SendRecord) {
  const h = await deps.holderAt(r.chat, r.createdAt);
  if (!h || h.operatorId === operatorId) return;
  await appendAudit(deps.js, {
    id: `conflict:send:${r.id}`,
    kind: 'conflict',
    subject: r.chat,
    operatorId,
    operatorName,
    detail: { sendId: r.id, heldBy: h.operatorName, heldById: h.operatorId },
    at: Date.now(),
  });
}

async function ensureConsumer(jsm: JetStreamManager, stream: string) {
  const config = {
    durable_name: projectionConsumer,
    // Explicit, not All: when several service processes share the consumer, one's ack must not cover
    // messages another holds and has not written yet.
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: ackWaitMs * 1_000_000,
    max_ack_pending: 1_000,
  };
  try {
    await jsm.consumers.add(stream, config);
  } catch {
    // Made by an older build with other settings: brought to these.
    await jsm.consumers.update(stream, projectionConsumer, { ack_wait: config.ack_wait, max_ack_pending: config.max_ack_pending });
  }
}

type Batch = JsMsg[];

/**
 * Reads one stream with the durable consumer, in order, in batches of what has arrived (one PostgreSQL
 * transaction each, so a busy team costs a commit per batch, not per record). A batch is acked only once
 * PostgreSQL holds it: while PostgreSQL is away the same batch is tried again, the ack deadline of
 * everything held pushed on meanwhile, so nothing is lost or reordered; on stop it is handed back (nak)
 * for the next run. A batch PostgreSQL refuses for good is split to find the record it refuses, which is
 * skipped and logged. A nats-server restart is the consumer's to ride out: it is durable and on disk,
 * and an ack lost with the connection only brings a redelivery, which the projection ignores.
 */
async function follow(
  deps: ProjectionDeps,
  stream: string,
  handle: (batch: Batch, again: boolean) => Promise<void>,
): Promise<{ stop(): Promise<void> }> {
  const open = async () => {
    await ensureConsumer(deps.jsm, stream);
    // Pulls that expire after 10 s (not 30): a consumer gone is noticed by the next pull.
    const m = await (await deps.js.consumers.get(stream, projectionConsumer)).consume({ max_messages: 256, expires: 10_000 });
    void remake(m);
    return m;
  };
  // A consumer deleted by hand (or lost with a store) is made again: the reader keeps pulling and
  // finds it. Made anew, it reads the stream from its start; the projection ignores what it has.
  async function remake(m: ConsumerMessages) {
    for await (const s of m.status())
      if (s.type === 'consumer_deleted' || s.type === 'consumer_not_found')
        await ensureConsumer(deps.jsm, stream).then(
          () => deps.log(`${stream}: the projection's consumer was gone and is made again`),
          (e: unknown) => deps.log(`${stream}: the projection's consumer is gone and could not be made again: ${String(e)}`),
        );
  }
  let messages = await open();
  const held: JsMsg[] = [];
  let arrived: (() => void) | undefined;
  let ended = false;
  let stopping = false;
  const sleepers = new Set<() => void>();
  const pause = (ms: number) =>
    new Promise<void>((r) => {
      const done = () => {
        clearTimeout(t);
        sleepers.delete(done);
        r();
      };
      const t = setTimeout(done, ms);
      sleepers.add(done);
    });
  const describe = (e: unknown) => (e instanceof Error ? e.message : String(e));

  async function settle(batch: Batch): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (stopping) {
        for (const m of batch) m.nak();
        return;
      }
      try {
        await handle(batch, attempt > 0);
        for (const m of batch) m.ack();
        if (attempt > 0) deps.log(`${stream} #${batch[0]!.seq}… projected after ${attempt + 1} attempts`);
        return;
      } catch (e) {
        if (isLastingRefusal(e)) {
          if (batch.length > 1) {
            for (const m of batch) await settle([m]);
            return;
          }
          deps.log(`${stream} #${batch[0]!.seq} refused by PostgreSQL, skipped: ${describe(e)}`);
          batch[0]!.term();
          return;
        }
        if (attempt === 0) deps.log(`${stream} #${batch[0]!.seq}… waits: ${describe(e)}`);
        for (const m of [...batch, ...held]) m.working();
        await pause(Math.min(5_000, 200 * 2 ** attempt));
      }
    }
  }

  const reading = (async () => {
    // The consumer rides out reconnections by itself; should its messages end anyway while this
    // connection lives (the consumer deleted by hand, say), it is made and read again, not left stopped.
    while (!stopping && !deps.nc.isClosed()) {
      try {
        for await (const m of messages) {
          held.push(m);
          arrived?.();
        }
      } catch (e) {
        deps.log(`${stream}: reading stopped: ${describe(e)}`);
      }
      if (stopping || deps.nc.isClosed()) break;
      await pause(1_000);
      try {
        if (!stopping) messages = await open();
        if (stopping) await messages.close();
      } catch (e) {
        deps.log(`${stream}: the consumer could not be opened again: ${describe(e)}`);
      }
    }
    ended = true;
    arrived?.();
  })();
  const writing = (async () => {
    for (;;) {
      if (!held.length) {
        if (ended) return;
        await new Promise<void>((r) => (arrived = r));
        continue;
      }
      await settle(held.splice(0, 256));
    }
  })();
  return {
    async stop() {
      stopping = true;
      for (const wake of [...sleepers]) wake();
      await messages.close();
      await reading;
      await writing;
    },
  };
}

/** Projects SENDS and AUDIT into team_send / team_audit and records sends to chats others hold. */
export async function startProjection(deps: ProjectionDeps): Promise<{ stop(): Promise<void> }> {
  const sends = await follow(deps, streams.sends, async (batch, again) => {
    const records: { m: JsMsg; operatorId: string; name: string; record: SendRecord; at: number }[] = [];
    for (const m of batch) {
      const where = parseSendSubject(m.subject);
      const record = sendRecordSchema.safeParse(jsonOf(m));
      if (!where || !record.success || record.data.id !== where.sendId) {
        // Not a send record: readers ignore it as well.
        deps.log(`${streams.sends} #${m.seq} on ${m.subject} is not a send record: skipped`);
        continue;
      }
      const name = await deps.nameOf(where.operatorId);
      records.push({ m, operatorId: where.operatorId, name, record: record.data, at: Number(m.timestampNanos / 1_000_000n) });
    }
    const firsts = await deps.sql.begin(async (tx) => {
      const made: boolean[] = [];
      for (const r of records) made.push(await projectSend(tx, deps.teamId, r.operatorId, r.name, r.record, r.at));
      return made;
    });
    // A record tried again (here or redelivered) may have made its row before its conflict was written.
    await Promise.all(
      records.map((r, i) => (firsts[i] || again || r.m.info.redelivered ? checkConflict(deps, r.operatorId, r.name, r.record) : undefined)),
    );
  });
  const audit = await follow(deps, streams.audit, async (batch) => {
    const entries = batch.flatMap((m) => {
      const entry = auditEntrySchema.safeParse(jsonOf(m));
      if (entry.success) return [pgSafe(entry.data)];
      deps.log(`${streams.audit} #${m.seq} is not an audit entry: skipped`);
      return [];
    });
    await deps.sql.begin(async (tx) => {
      for (const e of entries)
        await tx`insert into team_audit (id, team_id, operator_id, operator_name, kind, subject, detail, at)
          values (${e.id}, ${deps.teamId}, ${e.operatorId}, ${e.operatorName}, ${e.kind}, ${e.subject}, ${tx.json(e.detail as postgres.JSONValue)}, ${e.at})
          on conflict (id) do nothing`;
    });
  });
  return {
    async stop() {
      await Promise.all([sends.stop(), audit.stop()]);
    },
  };
}
