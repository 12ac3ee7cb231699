import { ApplicationError, defineMutator, defineMutators, type Transaction } from '@rocicorp/zero';
import type postgres from 'postgres';
import { z } from 'zod';
import { previewOfText } from '../../shared/preview-text.ts';
import { sendPreviewSchema } from '../../shared/send-labels-schema.ts';
import type { TeamContext } from './schema.ts';

/**
 * The team's writes. Each runs on the desktop first (optimistically, against its local Zero
 * store) and then on the server in ONE PostgreSQL transaction, which is the authority: the
 * server decides who holds a claim and whether a template edit was based on the newest version.
 * Every server branch checks the team from the verified token, never from the arguments.
 */

const text = (max: number) => z.string().max(max);
const sendArgs = z.object({
  id: z.string().min(1).max(128),
  provider: text(32),
  account: text(512),
  chat: text(512),
  recipient: text(512),
  preview: text(500),
  /** The preview as data; older desktops send only the text, which the server reads back (preview-text.ts). */
  previewData: sendPreviewSchema.optional(),
  status: text(32),
  providerMessageId: text(256).optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type TeamSendArgs = z.infer<typeof sendArgs>;

const claimArgs = z.object({
  chat: text(512),
  ttlMs: z
    .number()
    .int()
    .min(1_000)
    .max(24 * 3_600_000),
  /** Set when the claim was made while offline: soft until the server settles it. */
  offlineAt: z.number().optional(),
});

const templateDeleteArgs = z.object({
  id: z.string().min(1).max(128),
  /** The version the operator saw when deciding to delete: a newer one is not deleted unseen. */
  baseVersion: z.number().int().min(1),
});

const templateArgs = z.object({
  id: z.string().min(1).max(128),
  name: text(200),
  body: text(10_000),
  /** The version this edit was made from; 0 for a new template. */
  baseVersion: z.number().int().min(0),
});

type Tx = Transaction;

function sqlOf(tx: Tx): postgres.TransactionSql {
  if (tx.location !== 'server') throw new Error('server only');
  return tx.dbTransaction.wrappedTransaction as postgres.TransactionSql;
}

// Team ids are [a-z0-9_-] (operators.ts), so the slash cannot be forged from a team id.
const claimId = (teamId: string, chat: string) => `${teamId}/${chat}`;

async function audit(
  sql: postgres.TransactionSql,
  ctx: TeamContext,
  id: string,
  kind: string,
  subject: string,
  detail: Record<string, unknown>,
) {
  // Deterministic ids make a replayed mutation add nothing: the trail never doubles. The time is
  // taken when the row is written, after the mutation's row locks: the trail's order is the commit order.
  await sql`insert into team_audit (id, team_id, operator_id, operator_name, kind, subject, detail, at)
    values (${id}, ${ctx.teamId}, ${ctx.operatorId}, ${ctx.operatorName}, ${kind}, ${subject}, ${sql.json(detail as postgres.JSONValue)},
      extract(epoch from clock_timestamp()) * 1000)
    on conflict (id) do nothing`;
}

export const mutators = defineMutators({
  sends: {
    /** A send's summary or a later status: idempotent by id, and never older over newer. */
    upsert: defineMutator(sendArgs, async ({ tx, args, ctx }) => {
      if (tx.location === 'client') {
        await tx.mutate.team_send.upsert({
          ...args,
          teamId: ctx.teamId,
          operatorId: ctx.operatorId,
          operatorName: ctx.operatorName,
          syncedAt: 0,
        });
        return;
      }
      const sql = sqlOf(tx);
      const now = Date.now();
      const [prior] = await sql<{ status: string; team_id: string; operator_id: string }[]>`
        select status, team_id, operator_id from team_send where id = ${args.id} for update`;
      if (prior && (prior.team_id !== ctx.teamId || prior.operator_id !== ctx.operatorId))
        throw new ApplicationError('This send belongs to someone else.', { details: { reason: 'not_owner' } });
      if (!prior) {
        const previewData = args.previewData ?? previewOfText(args.provider, args.preview, 'team row');
        await sql`insert into team_send (id, team_id, operator_id, operator_name, provider, account, chat, recipient, preview, status,
            provider_message_id, created_at, updated_at, synced_at, preview_data)
          values (${args.id}, ${ctx.teamId}, ${ctx.operatorId}, ${ctx.operatorName}, ${args.provider}, ${args.account}, ${args.chat},
            ${args.recipient}, ${args.preview}, ${args.status}, ${args.providerMessageId ?? null}, ${args.createdAt}, ${args.updatedAt}, ${now},
            ${sql.json(previewData as postgres.JSONValue)})`;
        await audit(sql, ctx, `send:${args.id}`, 'send', args.id, { chat: args.chat, status: args.status, provider: args.provider });
        // A send to a chat someone else holds is a double answer: recorded, never hidden.
        const [holder] = await sql<{ operator_id: string; operator_name: string }[]>`
          select operator_id, operator_name from team_claim
          where id = ${claimId(ctx.teamId, args.chat)} and operator_id <> ${ctx.operatorId} and expires_at > ${args.createdAt}`;
        if (holder)
          await audit(sql, ctx, `conflict:send:${args.id}`, 'conflict', args.chat, {
            sendId: args.id,
            heldBy: holder.operator_name,
            heldById: holder.operator_id,
          });
      } else {
        const changed =
          await sql`update team_send set status = ${args.status}, provider_message_id = coalesce(${args.providerMessageId ?? null}, provider_message_id),
            updated_at = ${args.updatedAt}
          where id = ${args.id} and updated_at <= ${args.updatedAt} and status <> ${args.status}`;
        if (changed.count > 0) await audit(sql, ctx, `status:${args.id}:${args.status}`, 'status', args.id, { status: args.status });
      }
    }),
  },
  claims: {
    /** One operator answers a chat. The server's single statement is the lock; an offline claim is settled here. */
    take: defineMutator(claimArgs, async ({ tx, args, ctx }) => {
      const id = claimId(ctx.teamId, args.chat);
      if (tx.location === 'client') {
        const now = Date.now();
        await tx.mutate.team_claim.upsert({
          id,
          teamId: ctx.teamId,
          chat: args.chat,
          operatorId: ctx.operatorId,
          operatorName: ctx.operatorName,
          claimedAt: args.offlineAt ?? now,
          expiresAt: now + args.ttlMs,
        });
        return;
      }
      const sql = sqlOf(tx);
      const now = Date.now();
      const won = await sql`insert into team_claim (id, team_id, chat, operator_id, operator_name, claimed_at, expires_at)
        values (${id}, ${ctx.teamId}, ${args.chat}, ${ctx.operatorId}, ${ctx.operatorName}, ${now}, ${now + args.ttlMs})
        on conflict (id) do update set operator_id = excluded.operator_id, operator_name = excluded.operator_name,
          claimed_at = case when team_claim.operator_id = excluded.operator_id then team_claim.claimed_at else excluded.claimed_at end,
          expires_at = excluded.expires_at
        where team_claim.operator_id = excluded.operator_id or team_claim.expires_at <= ${now}
        returning id`;
      if (won.count > 0) {
        await audit(sql, ctx, `claim:${id}:${ctx.operatorId}:${now}`, 'claim', args.chat, { offline: args.offlineAt !== undefined });
        return;
      }
      const [holder] = await sql<{ operator_name: string; claimed_at: number }[]>`
        select operator_name, claimed_at from team_claim where id = ${id}`;
      if (args.offlineAt !== undefined)
        await ctx.recordConflict?.(`conflict:${tx.clientID}:${tx.mutationID}`, args.chat, {
          offlineAt: args.offlineAt,
          heldBy: holder?.operator_name ?? '',
        });
      throw new ApplicationError('Someone else answers this chat.', {
        details: { reason: 'claimed', by: holder?.operator_name ?? '', since: Number(holder?.claimed_at ?? 0) },
      });
    }),
    release: defineMutator(z.object({ chat: text(512) }), async ({ tx, args, ctx }) => {
      const id = claimId(ctx.teamId, args.chat);
      if (tx.location === 'client') {
        await tx.mutate.team_claim.delete({ id });
        return;
      }
      const sql = sqlOf(tx);
      const gone = await sql`delete from team_claim where id = ${id} and operator_id = ${ctx.operatorId}`;
      if (gone.count > 0) await audit(sql, ctx, `release:${id}:${ctx.operatorId}:${Date.now()}`, 'release', args.chat, {});
    }),
  },
  templates: {
    /** Saves only over the version it was made from: a newer version is never overwritten silently. */
    save: defineMutator(templateArgs, async ({ tx, args, ctx }) => {
      if (tx.location === 'client') {
        await tx.mutate.team_template.upsert({
          id: args.id,
          teamId: ctx.teamId,
          name: args.name,
          body: args.body,
          version: args.baseVersion + 1,
          updatedBy: ctx.operatorName,
          updatedAt: Date.now(),
        });
        return;
      }
      const sql = sqlOf(tx);
      const now = Date.now();
      const [current] = await sql<{ team_id: string; version: number; body: string; name: string; updated_by: string }[]>`
        select team_id, version, body, name, updated_by from team_template where id = ${args.id} for update`;
      if (current && current.team_id !== ctx.teamId)
        throw new ApplicationError('There is no such template.', { details: { reason: 'not_found' } });
      const version = current?.version ?? 0;
      if (!current && args.baseVersion > 0) {
        // Deleted by a colleague while this operator edited it: saying so (and who) lets them keep it as a new one.
        const [gone] = await sql<{ operator_name: string }[]>`
          select operator_name from team_audit where team_id = ${ctx.teamId} and subject = ${args.id} and kind = 'template_delete'
          order by at desc limit 1`;
        throw new ApplicationError('The template was deleted since you opened it.', {
          details: { reason: 'stale', deleted: true, version: 0, body: '', name: args.name, by: gone?.operator_name ?? '' },
        });
      }
      if (version !== args.baseVersion) {
        await ctx.recordConflict?.(`conflict:${tx.clientID}:${tx.mutationID}`, args.id, {
          baseVersion: args.baseVersion,
          currentVersion: version,
        });
        throw new ApplicationError('The template changed since you opened it.', {
          details: { reason: 'stale', version, body: current?.body ?? '', name: current?.name ?? '', by: current?.updated_by ?? '' },
        });
      }
      if (current)
        await sql`update team_template set name = ${args.name}, body = ${args.body}, version = ${version + 1},
          updated_by = ${ctx.operatorName}, updated_at = ${now} where id = ${args.id}`;
      else
        await sql`insert into team_template (id, team_id, name, body, version, updated_by, updated_at)
          values (${args.id}, ${ctx.teamId}, ${args.name}, ${args.body}, 1, ${ctx.operatorName}, ${now})`;
      await audit(sql, ctx, `template:${args.id}:${version + 1}`, 'template', args.id, { version: version + 1 });
    }),
    /**
     * Anyone in the team may delete a team template (a support lead tidies the shared set), but only
     * the version they saw: a newer one is refused with its text, for the operator to decide again.
     * The delete is kept in the audit trail with the name and version it took away.
     */
    delete: defineMutator(templateDeleteArgs, async ({ tx, args, ctx }) => {
      if (tx.location === 'client') {
        await tx.mutate.team_template.delete({ id: args.id });
        return;
      }
      const sql = sqlOf(tx);
      const [current] = await sql<{ team_id: string; version: number; body: string; name: string; updated_by: string }[]>`
        select team_id, version, body, name, updated_by from team_template where id = ${args.id} for update`;
      // Gone already (a colleague deleted it, or this is a replay): what the operator asked for is true.
      if (!current || current.team_id !== ctx.teamId) return;
      if (current.version !== args.baseVersion)
        throw new ApplicationError('The template changed since you saw it.', {
          details: { reason: 'stale', version: current.version, body: current.body, name: current.name, by: current.updated_by },
        });
      await sql`delete from team_template where id = ${args.id}`;
      await audit(sql, ctx, `template-delete:${args.id}:${current.version}`, 'template_delete', args.id, {
        version: current.version,
        name: current.name,
      });
    }),
  },
  presence: {
    beat: defineMutator(async ({ tx, ctx }) => {
      const row = { id: ctx.operatorId, teamId: ctx.teamId, operatorName: ctx.operatorName, seenAt: Date.now() };
      if (tx.location === 'client') {
        await tx.mutate.team_presence.upsert(row);
        return;
      }
      const sql = sqlOf(tx);
      await sql`insert into team_presence (id, team_id, operator_name, seen_at) values (${row.id}, ${row.teamId}, ${row.operatorName}, ${row.seenAt})
        on conflict (id) do update set seen_at = excluded.seen_at, operator_name = excluded.operator_name`;
    }),
  },
});
