import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TeamLink, TeamSendRow } from '../../electron/team/link.ts';
import { openNatsLink } from '../client/link-core.ts';
import { viewSendLimit } from '../client/team-view.ts';
import { keyOf, streams, subjects } from '../protocol/subjects.ts';
import { freePort } from '../src/free-port.ts';
import { migrations } from '../src/migrations.ts';
import { openCluster, type Cluster } from '../src/postgres-cluster.ts';
import { serveTeam, type TeamService } from '../src/service/index.ts';
import { plainNats, until } from './plain-nats.ts';
import { plainTeam } from './plain-team.ts';
import { sendRow } from './send-row.ts';

const row = sendRow;

describe('the desktop’s team link on a real nats-server and the team service (after the sign-in)', () => {
  let dir: string;
  let cluster: Cluster;
  let sql: postgres.Sql;
  let service: TeamService;
  let server: Awaited<ReturnType<typeof plainNats>>;
  let admin: Awaited<ReturnType<typeof server.connect>>;
  let team: Awaited<ReturnType<typeof plainTeam>>;
  const links: TeamLink[] = [];
  const logged: string[] = [];

  const desktop = (id: string, name: string) => {
    const link = openNatsLink(
      { operator: { id, name, teamId: 'support' }, refreshToken: () => `refresh-${id}`, dial: () => server.connect() },
      { log: (m) => logged.push(m) },
    );
    links.push(link);
    return link;
  };
  const sendsIn = () => team.messagesIn(streams.sends);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nats-link-'));
    server = await plainNats(join(dir, 'nats'));
    cluster = openCluster(dir, await freePort());
    sql = postgres(cluster.url, { max: 4, onnotice: () => {} });
    for (const m of migrations) await sql.unsafe(m);
    admin = await server.connect();
    team = await plainTeam(admin);
    for (const [id, name] of [
      ['op_anna', 'Anna'],
      ['op_boris', 'Boris'],
    ] as const) {
      await sql`insert into team_operator (id, team_id, login, name, password_hash, created_at)
        values (${id}, 'support', ${id}, ${name}, 'x', ${Date.now()})`;
      await team.bucket.operators.put(id, JSON.stringify({ name }));
    }
    service = await serveTeam(admin, { sql, teamId: 'support', log: (m) => logged.push(m) });
  });
  afterAll(async () => {
    for (const l of links) await l.close();
    await service?.stop();
    await admin?.close();
    await sql?.end({ timeout: 2 });
    cluster?.stop('fast');
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('claims a chat through the service: the first operator gets it, the second is told who holds it', async () => {
    const anna = desktop('op_anna', 'Anna');
    const boris = desktop('op_boris', 'Boris');
    await until(() => anna.online() && boris.online(), 'both desktops online');
    const chat = 'pachca|sandbox||discussion 77';
    expect(await anna.claim(chat, 60_000)).toEqual({ ok: true });
    const refused = await boris.claim(chat, 60_000);
    expect(refused).toMatchObject({ ok: false, by: 'Anna' });
    await until(() => boris.view().claims.some((c) => c.chat === chat && c.operatorName === 'Anna'), 'the claim in Boris’s view');
    await anna.release(chat);
    await until(() => !boris.view().claims.some((c) => c.chat === chat), 'the release in Boris’s view');
    expect(await boris.claim(chat, 60_000)).toEqual({ ok: true });
  });

  it('saves a template through the service and answers a save from an older version with the newer one', async () => {
    const anna = desktop('op_anna', 'Anna');
    const boris = desktop('op_boris', 'Boris');
    await until(() => anna.online() && boris.online(), 'both desktops online');
    expect(await anna.saveTemplate({ id: 'tt_hello', name: 'Привет', body: 'Здравствуйте', baseVersion: 0 })).toEqual({
      ok: true,
      version: 1,
    });
    expect(await anna.saveTemplate({ id: 'tt_hello', name: 'Привет', body: 'Здравствуйте!', baseVersion: 1 })).toEqual({
      ok: true,
      version: 2,
    });
    expect(await boris.saveTemplate({ id: 'tt_hello', name: 'Привет', body: 'Добрый день', baseVersion: 1 })).toEqual({
      ok: false,
      conflict: { version: 2, name: 'Привет', body: 'Здравствуйте!', by: 'Anna' },
    });
    await until(() => boris.view().templates.some((t) => t.id === 'tt_hello' && t.version === 2), 'the template in Boris’s view');
    expect(await boris.deleteTemplate({ id: 'tt_hello', baseVersion: 1 })).toMatchObject({ ok: false, conflict: { version: 2 } });
    expect(await boris.deleteTemplate({ id: 'tt_hello', baseVersion: 2 })).toEqual({ ok: true });
    await until(() => !anna.view().templates.some((t) => t.id === 'tt_hello'), 'the deleted template to leave Anna’s view');
    expect(await anna.saveTemplate({ id: 'tt_hello', name: 'Привет', body: 'Мой вариант', baseVersion: 2 })).toEqual({
      ok: false,
      conflict: { version: 0, body: '', name: 'Привет', by: 'Boris', deleted: true },
    });
  });

  it('shows a colleague’s send with who sent it and when the stream took it, then its newest status', async () => {
    const anna = desktop('op_anna', 'Anna');
    const boris = desktop('op_boris', 'Boris');
    await until(() => anna.online() && boris.online(), 'both desktops online');
    const sending = row();
    expect(await anna.pushSend(sending)).toEqual({ ok: true });
    await until(() => boris.view().sends.some((s) => s.id === sending.id), 'Boris to see Anna’s send');
    const seen = boris.view().sends.find((s) => s.id === sending.id)!;
    expect(seen).toMatchObject({ ...sending, operatorId: 'op_anna', operatorName: 'Anna' });
    expect(seen.syncedAt).toBeGreaterThanOrEqual(sending.updatedAt - 1000);

    const sent = { ...sending, status: 'sent', providerMessageId: 'pm-1', updatedAt: sending.updatedAt + 5 };
    expect(await anna.pushSend(sent)).toEqual({ ok: true });
    await until(() => boris.view().sends.find((s) => s.id === sending.id)?.status === 'sent', 'the newest status to reach Boris');
    // The older status replayed late changes nothing anywhere.
    expect(await anna.pushSend(sending)).toEqual({ ok: true });
    await new Promise((r) => setTimeout(r, 200));
    expect(boris.view().sends.find((s) => s.id === sending.id)).toMatchObject({ status: 'sent', providerMessageId: 'pm-1' });
  });

  it('does not publish what the view already holds, and the stream refuses a replay by message id', async () => {
    const anna = desktop('op_anna', 'Anna');
    await until(() => anna.online(), 'Anna online');
    const r = row({ status: 'sent' });
    expect(await anna.pushSend(r)).toEqual({ ok: true });
    await until(() => anna.view().sends.some((s) => s.id === r.id), 'the send back in Anna’s view');
    const before = await sendsIn();
    expect(await anna.pushSend(r)).toEqual({ ok: true });
    expect(await sendsIn()).toBe(before);
    // Another desktop of the same operator, whose view does not have it yet, publishes: the stream keeps one.
    const again = desktop('op_anna', 'Anna');
    await until(() => again.online(), 'the second desktop online');
    await team.publish(subjects.send('op_anna', r.id), JSON.stringify(r), `${r.id}@${r.updatedAt}:${r.status}`);
    expect(await sendsIn()).toBe(before);
  });

  it('keeps a send with the operator whose subject first carried it, and skips records that do not parse', async () => {
    const boris = desktop('op_boris', 'Boris');
    await until(() => boris.online(), 'Boris online');
    const mine = row();
    await team.publish(subjects.send('op_anna', mine.id), JSON.stringify(mine));
    await team.publish(subjects.send('op_boris', mine.id), JSON.stringify({ ...mine, status: 'sent', updatedAt: mine.updatedAt + 10 }));
    await team.publish(subjects.send('op_anna', 'broken'), '{"id":"broken","status":');
    await team.publish(subjects.send('op_anna', 'other-id'), JSON.stringify(row()));
    const after = row();
    await team.publish(subjects.send('op_anna', after.id), JSON.stringify(after));
    await until(() => boris.view().sends.some((s) => s.id === after.id), 'the record after the bad ones');
    expect(boris.view().sends.find((s) => s.id === mine.id)).toMatchObject({ operatorName: 'Anna', status: 'sending' });
    expect(boris.view().sends.some((s) => s.id === 'broken' || s.id === 'other-id')).toBe(false);
    expect(logged.filter((m) => m.includes('does not parse')).length).toBeGreaterThanOrEqual(2);
  });

  it('reads a send’s trail from the stream: the first record, then each change of status; offline, what it read before', async () => {
    const anna = desktop('op_anna', 'Anna');
    const boris = desktop('op_boris', 'Boris');
    await until(() => anna.online() && boris.online(), 'both online');
    const r = row();
    await anna.pushSend(r);
    await anna.pushSend({ ...r, status: 'waiting', updatedAt: r.updatedAt + 1 });
    await anna.pushSend({ ...r, status: 'waiting', providerMessageId: 'x', updatedAt: r.updatedAt + 2 });
    await anna.pushSend({ ...r, status: 'sent', updatedAt: r.updatedAt + 3 });
    await until(() => boris.view().sends.find((s) => s.id === r.id)?.status === 'sent', 'Boris to see it sent');
    const trail = await boris.sendTrail(r.id);
    expect(trail.map((e) => [e.kind, e.status, e.operatorName])).toEqual([
      ['send', 'sending', 'Anna'],
      ['status', 'waiting', 'Anna'],
      ['status', 'sent', 'Anna'],
    ]);
    expect(trail[0]!.at).toBeGreaterThan(0);
    boris.goOffline();
    expect(await boris.sendTrail(r.id)).toEqual(trail);
    expect(await boris.sendTrail('never-sent')).toEqual([]);
  });

  it('lists the newest sends by updatedAt, as many as the view held before', async () => {
    const base = Date.now() + 1_000_000;
    await Promise.all(
      Array.from({ length: viewSendLimit + 50 }, (_, i) => {
        const r = row({ updatedAt: base + i, createdAt: base + i });
        return team.publish(subjects.send('op_boris', r.id), JSON.stringify(r));
      }),
    );
    const anna = desktop('op_anna', 'Anna');
    let told = 0;
    anna.subscribe(() => told++);
    await until(() => anna.view().sends[0]?.updatedAt === base + viewSendLimit + 49, 'the newest send in the view');
    const sends = anna.view().sends;
    expect(sends).toHaveLength(viewSendLimit);
    expect(sends.at(-1)!.updatedAt).toBe(base + 50);
    // Thousands of records arrived: the listeners heard of them in bursts, not once each.
    expect(told).toBeLessThan(viewSendLimit / 4);
    // An unchanged view is the same object (the screens compare by reference).
    expect(anna.view()).toBe(anna.view());
  });

  it('shows claims, live templates (not deleted ones), presence with names, and conflicts from the audit', async () => {
    const boris = desktop('op_boris', 'Boris');
    await until(() => boris.online(), 'Boris online');
    const chat = 'pachca|sandbox||discussion 5';
    await team.bucket.claims.put(
      keyOf(chat),
      JSON.stringify({ chat, operatorId: 'op_anna', operatorName: 'Anna', claimedAt: 1, expiresAt: Date.now() + 60_000 }),
    );
    const t = { name: 'Приветствие', body: 'Здравствуйте', version: 1, updatedBy: 'Anna', updatedAt: 2 };
    await team.bucket.templates.put('tt_1', JSON.stringify({ id: 'tt_1', ...t }));
    await team.bucket.templates.put('tt_2', JSON.stringify({ id: 'tt_2', ...t, name: 'Удалённый', deletedBy: 'Anna' }));
    await team.bucket.templates.put('tt_3', 'not json');
    await boris.beat();
    await team.publish(
      subjects.audit('conflict', 'op_boris'),
      JSON.stringify({
        id: 'c1',
        kind: 'conflict',
        subject: chat,
        operatorId: 'op_boris',
        operatorName: 'Boris',
        detail: { by: 'Anna' },
        at: 7,
      }),
      'c1',
    );
    await until(() => boris.view().conflicts.some((c) => c.id === 'c1') && boris.view().presence.length > 0, 'the view to fill');
    await until(() => boris.view().claims.length > 0 && boris.view().templates.length > 0, 'claims and templates');
    const v = boris.view();
    expect(v.claims.filter((c) => c.chat === chat)).toEqual([
      { chat, operatorId: 'op_anna', operatorName: 'Anna', claimedAt: 1, expiresAt: expect.any(Number) },
    ]);
    expect(v.templates).toEqual([{ id: 'tt_1', ...t }]);
    expect(v.presence).toEqual([{ operatorId: 'op_boris', operatorName: 'Boris', seenAt: expect.any(Number) }]);
    // Newest first: the template conflict the service recorded above, then this older one.
    expect(v.conflicts.map((c) => c.at)).toEqual([...v.conflicts.map((c) => c.at)].sort((a, b) => b - a));
    expect(v.conflicts.at(-1)).toEqual({ id: 'c1', kind: 'conflict', subject: chat, operatorName: 'Boris', detail: { by: 'Anna' }, at: 7 });
    await team.bucket.claims.delete(keyOf(chat));
    await until(() => !boris.view().claims.some((c) => c.chat === chat), 'the released claim to go');
  });

  it('offline, writes say "unreachable" at once and the view stays; back online, they go through', async () => {
    const anna = desktop('op_anna', 'Anna');
    await until(() => anna.online() && anna.view().sends.length > 0, 'Anna online, with the team’s sends');
    let told = 0;
    anna.subscribe(() => told++);
    anna.goOffline();
    expect(anna.online()).toBe(false);
    await until(() => told > 0, 'the listeners to hear of it');
    const r = row();
    expect(await anna.pushSend(r)).toEqual({ ok: false, retry: true, reason: 'unreachable' });
    await expect(anna.claim('some chat', 60_000)).rejects.toThrow('team_unreachable');
    expect(await anna.saveTemplate({ id: 'tt_x', name: 'x', body: 'y', baseVersion: 0 })).toEqual({ ok: false, offline: true });
    expect(await anna.deleteTemplate({ id: 'tt_x', baseVersion: 1 })).toEqual({ ok: false, offline: true });
    expect(anna.view().sends.length).toBeGreaterThan(0);
    anna.goOnline();
    await until(() => anna.online(), 'Anna back online');
    expect(await anna.pushSend(r)).toEqual({ ok: true });
  });

  it('refuses a record the protocol would not read, without retrying it', async () => {
    const anna = desktop('op_anna', 'Anna');
    await until(() => anna.online(), 'Anna online');
    const r = await anna.pushSend(row({ id: 'has a space' }));
    expect(r).toMatchObject({ ok: false, retry: false });
  });

  it('comes back by itself when nats-server restarts, and keeps following the team', async () => {
    const anna = desktop('op_anna', 'Anna');
    const boris = desktop('op_boris', 'Boris');
    await until(() => anna.online() && boris.online(), 'both online');
    await server.restart();
    await until(() => anna.online() && boris.online(), 'both back after the restart', 60_000);
    // Newer than the 2000 sends the test above put in the view's future.
    const r = row({ updatedAt: Date.now() + 2_000_000 });
    await until(async () => (await anna.pushSend(r)).ok, 'the stream to take a send again', 60_000);
    await until(() => boris.view().sends.some((s) => s.id === r.id), 'Boris to see the send made after the restart');
  });
});
