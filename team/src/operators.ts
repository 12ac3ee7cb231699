import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { hashPassword } from './auth.ts';
import { revokeOperatorKeys } from './nats/revocations.ts';

/** The admin's side: operators belong to one team; only a password's scrypt hash is stored. */
export async function createOperator(
  sql: postgres.Sql,
  input: { login: string; name: string; teamId: string; password: string },
): Promise<{ id: string }> {
  if (input.password.length < 10) throw new Error('A password needs at least 10 characters.');
  const id = `op_${randomUUID()}`;
  await sql`insert into team_operator (id, team_id, login, name, password_hash, created_at)
    values (${id}, ${input.teamId}, ${input.login}, ${input.name}, ${await hashPassword(input.password)}, ${Date.now()})`;
  return { id };
}

/**
 * Disables an operator: sign-in and refresh refuse them from now on, and every NATS user key signed for
 * them is revoked, so their connected desktops are dropped as soon as the running team server has pushed
 * the team's account JWT again (it is told on commit; a server that is down does it at its next start).
 * Undefined for an unknown login.
 */
export async function disableOperator(
  sql: postgres.Sql,
  login: string,
): Promise<{ id: string; teamId: string; revokedKeys: number } | undefined> {
  return sql.begin(async (tx) => {
    const [op] = await tx<{ id: string; team_id: string }[]>`
      update team_operator set disabled = true where login = ${login} returning id, team_id`;
    if (!op) return undefined;
    return { id: op.id, teamId: op.team_id, revokedKeys: await revokeOperatorKeys(tx, op.id, op.team_id) };
  });
}

/**
 * Lets an operator sign in again. The keys revoked when they were disabled stay revoked (the JWTs signed
 * for them before never work again); the next sign-in is given a new key's JWT.
 */
export async function enableOperator(sql: postgres.Sql, login: string): Promise<{ id: string; teamId: string } | undefined> {
  const [op] = await sql<{ id: string; team_id: string }[]>`
    update team_operator set disabled = false where login = ${login} returning id, team_id`;
  return op ? { id: op.id, teamId: op.team_id } : undefined;
}
