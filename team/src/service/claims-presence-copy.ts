import type { KV } from '@nats-io/kv';
import type postgres from 'postgres';
import { presenceValueSchema, type ClaimValue } from '../../protocol/messages.ts';
import type { ClaimsView } from './claims-view.ts';
import { coalescedCopy } from './coalesced-copy.ts';
import type { NameOf } from './operator-names.ts';
import { pgSafe } from './pg-safe.ts';

interface CopyDeps {
  claims: ClaimsView;
  presence: KV;
  sql: postgres.Sql;
  teamId: string;
  nameOf: NameOf;
  log: (message: string) => void;
}

/** The chat a claims bucket key stands for (keyOf in protocol/subjects.ts, reversed). */
const chatOf = (key: string) => (key === '_' ? '' : Buffer.from(key, 'base64url').toString('utf8'));

/**
 * The claims and presence buckets copied into PostgreSQL for reports, like the sends, the audit trail
 * and the templates. team_claim holds who holds which chat now (a released chat has no row; the history
 * of claims is team_audit's), with the ids the Zero-era server used (`<team>/<chat>`); team_presence holds
 * when each operator's desktop was last seen (kept after they go: a report asks who worked when). The
 * buckets stay the authority: the copy is written from their watches, a whole claims copy at every start.
 */
export async function copyClaimsAndPresence(deps: CopyDeps): Promise<{ stop(): Promise<void> }> {
  const { sql, teamId } = deps;
  const claims = coalescedCopy<ClaimValue>(
    'claims',
    (changes, whole) =>
      sql.begin(async (tx) => {
        if (whole) await tx`delete from team_claim where team_id = ${teamId}`;
        for (const [key, value] of changes) {
          const id = pgSafe(`${teamId}/${chatOf(key)}`);
          if (!value) {
            await tx`delete from team_claim where id = ${id}`;
            continue;
          }
          const v = pgSafe(value);
          await tx`insert into team_claim (id, team_id, chat, operator_id, operator_name, claimed_at, expires_at)
            values (${id}, ${teamId}, ${v.chat}, ${v.operatorId}, ${v.operatorName}, ${v.claimedAt}, ${v.expiresAt})
            on conflict (id) do update set operator_id = excluded.operator_id, operator_name = excluded.operator_name,
              claimed_at = excluded.claimed_at, expires_at = excluded.expires_at`;
        }
      }),
    deps.log,
  );
  deps.claims.onChange(claims);

  const presence = coalescedCopy<number>(
    'presence',
    async (changes) => {
      const seen = [...changes].filter((c): c is [string, number] => c[1] !== undefined);
      const named = await Promise.all(seen.map(async ([id, at]) => ({ id, at, name: pgSafe(await deps.nameOf(id)) })));
      await sql.begin(async (tx) => {
        for (const p of named)
          await tx`insert into team_presence (id, team_id, operator_name, seen_at) values (${p.id}, ${teamId}, ${p.name}, ${p.at})
            on conflict (id) do update set team_id = excluded.team_id, operator_name = excluded.operator_name,
              seen_at = greatest(team_presence.seen_at, excluded.seen_at)`;
      });
    },
    deps.log,
  );
  const watch = await deps.presence.watch();
  presence.caughtUp();
  const following = (async () => {
    for await (const e of watch) {
      const v = e.operation === 'PUT' ? presenceValueSchema.safeParse(e.json()) : undefined;
      // A desktop that goes away leaves its last beat in the copy.
      if (v?.success) presence.change(e.key, v.data.seenAt);
    }
  })();
  return {
    async stop() {
      watch.stop();
      await following;
      await Promise.all([claims.stop(), presence.stop()]);
    },
  };
}
