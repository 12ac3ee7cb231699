import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './plain-nats.ts';
import { sendRow } from './send-row.ts';
import { serviceFixture } from './service-fixture.ts';

const teamId = 'team_c';
const boris = 'op_boris';
/** Named by the operators bucket, so her claims are answered while PostgreSQL is away. */
const vera = 'op_vera';
const hour = 3_600_000;

let team: Awaited<ReturnType<typeof serviceFixture>>;

beforeAll(async () => {
  team = await serviceFixture(teamId, [
    { id: boris, name: 'Борис' },
    { id: vera, name: 'Вера', inBucketOnly: true },
  ]);
});

afterAll(async () => {
  await team?.dispose();
});

const chat = () => `pachca|sandbox|1|discussion ${randomUUID()}`;

async function conflictsOn(c: string) {
  return team.sql<{ id: string; operator_id: string; detail: Record<string, unknown> }[]>`
    select id, operator_id, detail from team_audit where team_id = ${teamId} and subject = ${c} and kind = 'conflict'`;
}

const sendIn = async (id: string) => (await team.sql`select 1 from team_send where id = ${id}`).length === 1;

/** PostgreSQL comes back, and the projection catches up with what it held back. */
async function postgresBack() {
  team.cluster.start();
  await until(async () => {
    try {
      await team.sql`select 1`;
      return true;
    } catch {
      return false;
    }
  }, 'PostgreSQL to answer again');
}

describe("a send to a chat a colleague held, judged by the claim as it stood at the send's createdAt", () => {
  it('is a conflict even when the holder released the chat before the service read the send', async () => {
    const c = chat();
    // The projection waits for PostgreSQL before it looks at a send: the release lands first.
    team.cluster.stop('fast');
    expect(await team.claim(vera, c, hour)).toEqual({ ok: true });
    const r = sendRow({ chat: c });
    await team.publishSend(boris, r);
    expect(await team.release(vera, c)).toEqual({ ok: true });
    await postgresBack();
    await until(async () => (await conflictsOn(c)).length === 1, 'the conflict in the trail');
    expect((await conflictsOn(c))[0]).toMatchObject({
      id: `conflict:send:${r.id}`,
      operator_id: boris,
      detail: { sendId: r.id, heldBy: 'Вера', heldById: vera },
    });
  });

  it('is a conflict when the service was started again in between and learns the claim from the bucket', async () => {
    const c = chat();
    team.cluster.stop('fast');
    expect(await team.claim(vera, c, hour)).toEqual({ ok: true });
    const r = sendRow({ chat: c });
    await team.publishSend(boris, r);
    expect(await team.release(vera, c)).toEqual({ ok: true });
    await team.stopService();
    await postgresBack();
    await team.startService();
    await until(async () => (await conflictsOn(c)).length === 1, 'the conflict in the trail after the restart');
    expect((await conflictsOn(c))[0]).toMatchObject({ id: `conflict:send:${r.id}`, detail: { heldBy: 'Вера', heldById: vera } });
  });

  it('is no conflict when the colleague claimed the chat only after the send was made', async () => {
    const c = chat();
    // Made offline a minute ago, published once the desktop is back; the chat was free then.
    const r = sendRow({ chat: c, createdAt: Date.now() - 60_000, updatedAt: Date.now() - 60_000 });
    expect(await team.claim(vera, c, hour)).toEqual({ ok: true });
    await team.publishSend(boris, r);
    await until(() => sendIn(r.id), 'the send in PostgreSQL');
    // A later send's row lands only after the batch before it, conflict check included, is done.
    const marker = sendRow();
    await team.publishSend(boris, marker);
    await until(() => sendIn(marker.id), 'the send after it in PostgreSQL');
    expect(await conflictsOn(c)).toEqual([]);
  });

  it('is no conflict when the claim had expired or was released before the send was made', async () => {
    const expired = chat();
    expect(await team.claim(vera, expired, 1_000)).toEqual({ ok: true });
    const released = chat();
    expect(await team.claim(vera, released, hour)).toEqual({ ok: true });
    expect(await team.release(vera, released)).toEqual({ ok: true });
    await new Promise((r) => setTimeout(r, 1_200));
    const sends = [sendRow({ chat: expired }), sendRow({ chat: released })];
    for (const r of sends) await team.publishSend(boris, r);
    const marker = sendRow();
    await until(async () => (await Promise.all(sends.map((r) => sendIn(r.id)))).every(Boolean), 'the sends in PostgreSQL');
    await team.publishSend(boris, marker);
    await until(() => sendIn(marker.id), 'the send after them in PostgreSQL');
    expect([...(await conflictsOn(expired)), ...(await conflictsOn(released))]).toEqual([]);
  });
});
