import type { KV } from '@nats-io/kv';
import type postgres from 'postgres';
import { operatorValueSchema } from '../../protocol/messages.ts';

/**
 * The name an operator id is known by, for the claims and audit entries the service writes: the
 * `operators` bucket (the server writes it at sign-in), else PostgreSQL's team_operator. Kept a minute,
 * so a renamed operator shows the new name soon without a lookup per request.
 */
export function operatorNames(kv: KV, sql: postgres.Sql, teamId: string, keepMs = 60_000) {
  const cache = new Map<string, { name: string; until: number }>();
  return async function nameOf(operatorId: string): Promise<string> {
    const hit = cache.get(operatorId);
    if (hit && hit.until > Date.now()) return hit.name;
    const entry = await kv.get(operatorId).catch(() => null);
    const fromBucket = entry?.operation === 'PUT' ? operatorValueSchema.safeParse(entry.json()) : undefined;
    let name = fromBucket?.success ? fromBucket.data.name : undefined;
    if (name === undefined) {
      const [row] = await sql<{ name: string }[]>`select name from team_operator where id = ${operatorId} and team_id = ${teamId}`;
      name = row?.name;
    }
    // An id the team does not know (yet: sign-in writes the bucket) still gets its answer; the trail then
    // names it by its id, and the next request looks again.
    if (name === undefined) return operatorId;
    cache.set(operatorId, { name, until: Date.now() + keepMs });
    return name;
  };
}
export type NameOf = ReturnType<typeof operatorNames>;
