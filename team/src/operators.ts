import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { hashPassword } from './auth.ts';

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
