import { createBuilder, defineQueries, defineQuery } from '@rocicorp/zero';
import { z } from 'zod';
import { schema } from './schema.ts';

const zql = createBuilder(schema);

/**
 * What a desktop subscribes to. The server runs these same definitions with the team from the
 * verified token, so a desktop cannot ask for another team's rows whatever it sends.
 */
export const queries = defineQueries({
  recentSends: defineQuery(z.object({ limit: z.number().int().min(1).max(2000) }), ({ args, ctx }) =>
    zql.team_send.where('teamId', ctx.teamId).orderBy('updatedAt', 'desc').limit(args.limit),
  ),
  templates: defineQuery(({ ctx }) => zql.team_template.where('teamId', ctx.teamId).orderBy('name', 'asc')),
  claims: defineQuery(({ ctx }) => zql.team_claim.where('teamId', ctx.teamId)),
  presence: defineQuery(({ ctx }) => zql.team_presence.where('teamId', ctx.teamId)),
  /** One send's trail: its first record and each status change, oldest first (a send's detail). */
  sendTrail: defineQuery(z.object({ id: z.string().min(1).max(128) }), ({ args, ctx }) =>
    zql.team_audit
      .where('teamId', ctx.teamId)
      .where('subject', args.id)
      .where('kind', 'IN', ['send', 'status'])
      .orderBy('at', 'asc')
      .limit(100),
  ),
  conflicts: defineQuery(({ ctx }) =>
    zql.team_audit.where('teamId', ctx.teamId).where('kind', 'conflict').orderBy('at', 'desc').limit(200),
  ),
});
