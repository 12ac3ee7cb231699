import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClaimValue } from '../protocol/messages.ts';
import { keyOf } from '../protocol/subjects.ts';
import { watchClaims, type ClaimsView } from '../src/service/claims-view.ts';
import { plainNats, until } from './plain-nats.ts';
import { plainTeam } from './plain-team.ts';

let dir: string;
let nats: Awaited<ReturnType<typeof plainNats>>;
let nc: NatsConnection;
let team: Awaited<ReturnType<typeof plainTeam>>;
const views: ClaimsView[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'team-claims-view-'));
  nats = await plainNats(join(dir, 'nats'));
  nc = await nats.connect();
  team = await plainTeam(nc);
});

afterAll(async () => {
  for (const v of views) v.stop();
  await nc?.close();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const chat = () => `pachca|sandbox|1|discussion ${randomUUID()}`;
const tick = () => new Promise((r) => setTimeout(r, 30));

/** A claim written as the service writes it, and the moment just after it landed. */
async function claim(c: string, operatorId: string): Promise<number> {
  const now = Date.now();
  const value: ClaimValue = { chat: c, operatorId, operatorName: operatorId, claimedAt: now, expiresAt: now + 3_600_000 };
  await team.bucket.claims.put(keyOf(c), JSON.stringify(value));
  await tick();
  return Date.now();
}

describe('the claims view', () => {
  it('tells who held a chat at each moment, from the history the bucket holds when it starts', async () => {
    const c = chat();
    const before = Date.now();
    await tick();
    const annaHeld = await claim(c, 'op_anna');
    await team.bucket.claims.delete(keyOf(c));
    await tick();
    const free = Date.now();
    // A moment apart from the next claim, as \`before\` is from the first: within one millisecond the order
    // of a moment and a write is not defined.
    await tick();
    const borisHeld = await claim(c, 'op_boris');

    const view = await watchClaims(team.bucket.claims);
    views.push(view);
    expect(await view.holderAt(c, before)).toBeUndefined();
    expect((await view.holderAt(c, annaHeld))?.operatorId).toBe('op_anna');
    expect(await view.holderAt(c, free)).toBeUndefined();
    expect((await view.holderAt(c, borisHeld))?.operatorId).toBe('op_boris');
    // Changes after it started come through its watch.
    await team.bucket.claims.delete(keyOf(c));
    await until(async () => (await view.holderAt(c, Date.now())) === undefined, 'the release seen');
    expect((await view.holderAt(c, borisHeld))?.operatorId).toBe('op_boris');
  });

  it('forgets a chat whose last change is older than the bucket keeps values, and tells its listeners', async () => {
    const c = chat();
    const seen: (string | undefined)[] = [];
    const view = await watchClaims(team.bucket.claims, { keepMs: 500, sweepEveryMs: 100 });
    views.push(view);
    view.onChange({ change: (key, value) => key === keyOf(c) && seen.push(value?.operatorId), caughtUp: () => {} });
    const held = await claim(c, 'op_vera');
    await until(() => seen.length === 1, 'the claim seen');
    expect((await view.holderAt(c, held))?.operatorId).toBe('op_vera');
    await until(() => seen.length === 2, 'the claim forgotten', 5_000);
    expect(seen).toEqual(['op_vera', undefined]);
    expect(await view.holderAt(c, held)).toBeUndefined();
  });
});
