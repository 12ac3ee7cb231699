import type postgres from 'postgres';

/**
 * Which of a team's NATS user keys are revoked. The API notes every key it signs a user JWT for
 * (`noteUserKey`, before the JWT leaves it); disabling an operator marks their keys revoked and tells the
 * running team server on the `revocationsChannel` (PostgreSQL NOTIFY, payload = team id), which signs the
 * team's account JWT again with `revocationsOf` and pushes it to nats-server.
 */
export const revocationsChannel = 'team_nats_revocations';

export async function noteUserKey(
  sql: postgres.Sql,
  key: { publicKey: string; operatorId: string; teamId: string; expiresAt: number },
): Promise<void> {
  // Noted only while the operator is enabled, holding their row: a disable running at the same moment
  // either waits for this key and revokes it, or has committed first and no JWT is signed. A refresh
  // signs the same key again: the key is kept until its newest JWT expires.
  const noted = await sql`insert into team_nats_key (public_key, operator_id, team_id, expires_at)
    select ${key.publicKey}, id, team_id, ${key.expiresAt} from team_operator
      where id = ${key.operatorId} and team_id = ${key.teamId} and not disabled for share
    on conflict (public_key, operator_id) do update set expires_at = greatest(team_nats_key.expires_at, excluded.expires_at)`;
  if (noted.count !== 1) throw new Error(`operator ${key.operatorId} is disabled or not in team ${key.teamId}: no NATS JWT is signed`);
  // Each session of a desktop is a new key: the operator's keys whose JWTs have all expired go here,
  // so the table stays as small as the set of live JWTs without waiting for the account's next signing.
  await sql`delete from team_nats_key where operator_id = ${key.operatorId} and expires_at < ${Date.now()}`;
}

/**
 * The team account's `revocations`: each revoked key → the second it was revoked (nats-server refuses
 * the key's JWTs issued at or before it). A key whose newest JWT has expired needs no revocation any more:
 * it is pruned here, so the account JWT stays small.
 */
export async function revocationsOf(sql: postgres.Sql, teamId: string, now = Date.now()): Promise<Record<string, number>> {
  await sql`delete from team_nats_key where team_id = ${teamId} and expires_at < ${now}`;
  const rows = await sql<{ public_key: string; revoked_at: number }[]>`
    select public_key, revoked_at from team_nats_key where team_id = ${teamId} and revoked_at is not null`;
  const revocations: Record<string, number> = {};
  for (const r of rows) revocations[r.public_key] = Math.max(revocations[r.public_key] ?? 0, Math.ceil(r.revoked_at / 1000));
  return revocations;
}

/** Marks every unexpired key of the operator revoked (in the caller's transaction) and tells the team server. */
export async function revokeOperatorKeys(
  sql: postgres.TransactionSql,
  operatorId: string,
  teamId: string,
  now = Date.now(),
): Promise<number> {
  const revoked = await sql`update team_nats_key set revoked_at = ${now}
    where operator_id = ${operatorId} and revoked_at is null and expires_at >= ${now}`;
  // Delivered when the transaction commits, to every team server process listening.
  await sql`select pg_notify(${revocationsChannel}, ${teamId})`;
  return revoked.count;
}
