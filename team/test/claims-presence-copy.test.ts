import { randomUUID } from 'node:crypto';
import { Kvm, type KV } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './plain-nats.ts';
import { serviceFixture } from './service-fixture.ts';

const teamId = 'team_p';
const boris = 'op_boris';
/** Named by the operators bucket, so her claims are answered while PostgreSQL is away. */
const vera = 'op_vera';
const hour = 3_600_000;

let team: Awaited<ReturnType<typeof serviceFixture>>;
let presence: KV;

beforeAll(async () => {
  team = await serviceFixture(teamId, [
    { id: boris, name: 'Борис' },
    { id: vera, name: 'Вера', inBucketOnly: true },
  ]);
  presence = await new Kvm(team.desk).open('presence');
});

afterAll(async () => {
  await team?.dispose();
});

const chat = () => `pachca|sandbox|1|discussion ${randomUUID()}`;

async function claimRows() {
  return team.sql<{ id: string; chat: string; operator_id: string; operator_name: string; claimed_at: number; expires_at: number }[]>`
    select id, chat, operator_id, operator_name, claimed_at, expires_at from team_claim where team_id = ${teamId} order by chat`;
}
const holders = async () => Object.fromEntries((await claimRows()).map((r) => [r.chat, r.operator_id]));
const sameHolders = (want: Record<string, string>) => async () => JSON.stringify(await holders()) === JSON.stringify(want);

async function postgresAnswers() {
  try {
    await team.sql`select 1`;
    return true;
  } catch {
    return false;
  }
}

describe('claims copied to PostgreSQL', () => {
  const chats = [chat(), chat(), chat()].sort();
  const [a, b, c] = [chats[0]!, chats[1]!, chats[2]!];

  it('holds who holds which chat now, and no row once the chat is released', async () => {
    expect(await team.claim(vera, a, hour)).toEqual({ ok: true });
    expect(await team.claim(boris, b, hour)).toEqual({ ok: true });
    await until(sameHolders({ [a]: vera, [b]: boris }), 'both claims in team_claim');
    const [row] = await claimRows();
    expect(row).toMatchObject({ id: `${teamId}/${a}`, operator_name: 'Вера' });
    expect(row!.expires_at - row!.claimed_at).toBe(hour);
    expect(await team.release(vera, a)).toEqual({ ok: true });
    await until(sameHolders({ [b]: boris }), 'the released chat gone from team_claim');
  });

  it('catches up with the claims and releases made while PostgreSQL was away', async () => {
    team.cluster.stop('fast');
    expect(await team.claim(vera, c, hour)).toEqual({ ok: true });
    expect(await team.claim(vera, a, hour)).toEqual({ ok: true });
    expect(await team.release(vera, a)).toEqual({ ok: true });
    await new Promise((r) => setTimeout(r, 500));
    team.cluster.start();
    await until(postgresAnswers, 'PostgreSQL to answer again');
    await until(sameHolders({ [b]: boris, [c]: vera }), 'the claims made meanwhile in team_claim');
    expect(team.log.some((l) => l.startsWith('claims: the copy to PostgreSQL waits'))).toBe(true);
  });

  it('is made whole again at the next start: a row the bucket does not hold goes, another team’s stays', async () => {
    await team.stopService();
    const row = (id: string, team: string) => ({
      id,
      team_id: team,
      chat: id,
      operator_id: boris,
      operator_name: 'Борис',
      claimed_at: 1,
      expires_at: 2,
    });
    await team.sql`insert into team_claim ${team.sql([row(`${teamId}/stale`, teamId), row('team_other/kept', 'team_other')])}`;
    await team.startService();
    await until(sameHolders({ [b]: boris, [c]: vera }), 'the stale row gone');
    expect(await team.sql`select id from team_claim where team_id = 'team_other'`).toEqual([{ id: 'team_other/kept' }]);
  });
});

describe('presence copied to PostgreSQL', () => {
  const seen = async (id: string) =>
    (
      await team.sql<
        { operator_name: string; seen_at: number }[]
      >`select operator_name, seen_at from team_presence where id = ${id} and team_id = ${teamId}`
    )[0];

  it("keeps each operator's last beat under their name, and keeps it after their desktop goes", async () => {
    const first = Date.now();
    await presence.put(boris, JSON.stringify({ seenAt: first }));
    await presence.put(vera, JSON.stringify({ seenAt: first }));
    await until(async () => (await seen(boris))?.seen_at === first && (await seen(vera))?.seen_at === first, 'both beats in team_presence');
    expect(await seen(boris)).toEqual({ operator_name: 'Борис', seen_at: first });
    expect((await seen(vera))?.operator_name).toBe('Вера');
    await presence.put(boris, JSON.stringify({ seenAt: first + 30_000 }));
    await until(async () => (await seen(boris))?.seen_at === first + 30_000, 'the next beat');
    await presence.delete(boris);
    await presence.put(vera, JSON.stringify({ seenAt: first + 60_000 }));
    await until(async () => (await seen(vera))?.seen_at === first + 60_000, 'a later beat of a colleague');
    expect((await seen(boris))?.seen_at).toBe(first + 30_000);
  });
});
