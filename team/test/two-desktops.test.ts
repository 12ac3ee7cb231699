import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SendSummary } from '../../shared/sends.ts';
import type { TeamSend } from '../../shared/team.ts';
import { migrate } from '../src/stack.ts';
import { connectTeamLink } from '../client/nats-link.ts';
import { subjects } from '../protocol/subjects.ts';
import { connectWithForgedJwt } from './forged-jwt.ts';
import { call, pachca, teamDesktop, testStack, until, type Desktop } from './stack-fixture.ts';

describe('two desktops on one team server (real PostgreSQL + nats-server on loopback)', () => {
  let stack: Awaited<ReturnType<typeof testStack>>;
  let anna: Desktop;
  let boris: Desktop;
  let carl: Desktop;

  beforeAll(async () => {
    stack = await testStack();
    const pa = await stack.addOperator('anna', 'Anna', 'support');
    const pb = await stack.addOperator('boris', 'Boris', 'support');
    const pc = await stack.addOperator('carl', 'Carl', 'sales');
    [anna, boris, carl] = await Promise.all([
      teamDesktop(stack, 'anna', pa),
      teamDesktop(stack, 'boris', pb),
      teamDesktop(stack, 'carl', pc),
    ]);
  });
  afterAll(async () => {
    await Promise.all([anna, boris, carl].map((d) => d?.dispose()));
    await stack?.dispose();
  });

  it('each sees the other’s sends, with who sent them; another team sees none of them', async () => {
    const a = await call<SendSummary>(anna, 'sends.send', pachca(501, 'Добрый день, от Анны'));
    const b = await call<SendSummary>(boris, 'sends.send', pachca(502, 'Добрый день, от Бориса'));
    await until(
      async () => (await call<TeamSend[]>(boris, 'team.sends')).some((s) => s.id === a.id && s.status === 'sent'),
      'Boris to see Anna’s send, sent',
    );
    await until(async () => (await call<TeamSend[]>(anna, 'team.sends')).some((s) => s.id === b.id), 'Anna to see Boris’s send');
    const seenByBoris = (await call<TeamSend[]>(boris, 'team.sends')).find((s) => s.id === a.id);
    expect(seenByBoris).toMatchObject({
      operatorName: 'Anna',
      mine: false,
      status: 'sent',
      preview: { kind: 'text', text: 'Добрый день, от Анны' },
    });
    expect((await call<TeamSend[]>(anna, 'team.sends')).find((s) => s.id === a.id)?.mine).toBe(true);
    // Carl's desktop is connected and live, but the server scopes every query to his team.
    const carlSent = await call<SendSummary>(carl, 'sends.send', pachca(503, 'sales'));
    await until(async () => (await call<TeamSend[]>(carl, 'team.sends')).some((s) => s.id === carlSent.id), 'Carl to see his own send');
    expect((await call<TeamSend[]>(carl, 'team.sends')).map((s) => s.id)).toEqual([carlSent.id]);
  });

  it('refuses the second operator a claim the first holds, naming who holds it', async () => {
    const ref = { accountId: 'a_sbx_pachca', recipient: 'discussion 777' };
    expect(await call(anna, 'team.claim', ref)).toEqual({ ok: true, soft: false });
    const refused = await call<{ ok: boolean; by: string; since: number }>(boris, 'team.claim', ref);
    expect(refused).toMatchObject({ ok: false, by: 'Anna' });
    expect(refused.since).toBeGreaterThan(0);
    await until(
      async () => (await call<{ claimedBy?: string }>(boris, 'team.chatActivity', ref)).claimedBy === 'Anna',
      'the claim to reach Boris',
    );
  });

  it('warns before answering a chat someone else answered recently', async () => {
    const sent = await call<SendSummary>(anna, 'sends.send', pachca(640, 'Ответила'));
    const ref = { accountId: 'a_sbx_pachca', recipient: sent.recipient };
    await until(
      async () => (await call<{ answeredBy?: string }>(boris, 'team.chatActivity', ref)).answeredBy === 'Anna',
      'Boris to be warned',
    );
    // Anna is not warned about her own answer.
    expect((await call<{ answeredBy?: string }>(anna, 'team.chatActivity', ref)).answeredBy).toBeUndefined();
  });

  it('delivers a send made offline exactly once after reconnecting', async () => {
    boris.team!.currentLink!.goOffline();
    await until(() => boris.team!.status().online === false, 'Boris to be offline');
    const offline = await call<SendSummary>(boris, 'sends.send', pachca(901, 'Отправлено без связи с командой'));
    expect(offline.status).toBe('sent');
    await until(() => boris.team!.status().pending > 0, 'the send to wait in the journal');
    expect((await call<{ online: boolean; asOf?: number }>(boris, 'team.status')).asOf).toBeGreaterThan(0);
    boris.team!.currentLink!.goOnline();
    expect(await boris.team!.settled(60_000)).toBe(true);
    await until(async () => (await call<TeamSend[]>(anna, 'team.sends')).some((s) => s.id === offline.id), 'Anna to see the offline send');
    // PostgreSQL gets it from the stream (the service's projection), a moment later.
    const count = async () =>
      (await stack.api.sql<{ n: number }[]>`select count(*)::int as n from team_send where id = ${offline.id}`)[0]?.n;
    await until(async () => (await count()) === 1, 'the send in PostgreSQL');
    const audited = async () =>
      (await stack.api.sql<{ n: number }[]>`select count(*)::int as n from team_audit where kind = 'send' and subject = ${offline.id}`)[0]
        ?.n;
    await until(async () => (await audited()) === 1, 'the send in the audit trail');
    // The journal's replays of it changed neither.
    await new Promise((r) => setTimeout(r, 500));
    expect([await count(), await audited()]).toEqual([1, 1]);
  });

  it('settles a claim made offline on reconnect and shows the refusal as a conflict', async () => {
    const ref = { accountId: 'a_sbx_pachca', recipient: 'discussion 4242' };
    boris.team!.currentLink!.goOffline();
    await until(() => boris.team!.status().online === false, 'Boris to be offline');
    expect(await call(boris, 'team.claim', ref)).toEqual({ ok: true, soft: true });
    expect(await call(anna, 'team.claim', ref)).toEqual({ ok: true, soft: false });
    boris.team!.currentLink!.goOnline();
    expect(await boris.team!.settled(60_000)).toBe(true);
    const conflicts = await call<{ kind: string; chat: string; by: string }[]>(boris, 'team.conflicts');
    expect(conflicts.find((c) => c.kind === 'claim_refused')).toMatchObject({
      by: 'Anna',
      chat: expect.stringContaining('discussion 4242'),
    });
  });

  it('a template edited on two desktops keeps both edits: the later save is asked to merge, never overwrites', async () => {
    const created = await call<{ ok: true; id: string; version: number }>(anna, 'team.saveTemplate', {
      name: 'Приветствие',
      body: 'Здравствуйте!',
      baseVersion: 0,
    });
    expect(created).toMatchObject({ ok: true, version: 1 });
    await until(
      async () => (await call<{ id: string }[]>(boris, 'team.templates')).some((t) => t.id === created.id),
      'Boris to see the template',
    );
    const fromAnna = await call(anna, 'team.saveTemplate', {
      id: created.id,
      name: 'Приветствие',
      body: 'Здравствуйте! Меня зовут Анна.',
      baseVersion: 1,
    });
    expect(fromAnna).toMatchObject({ ok: true, version: 2 });
    const fromBoris = await call<{ ok: false; conflict: { version: number; body: string; by: string } }>(boris, 'team.saveTemplate', {
      id: created.id,
      name: 'Приветствие',
      body: 'Добрый день!',
      baseVersion: 1,
    });
    expect(fromBoris).toMatchObject({ ok: false, conflict: { version: 2, body: 'Здравствуйте! Меня зовут Анна.', by: 'Anna' } });
    const merged = await call(boris, 'team.saveTemplate', {
      id: created.id,
      name: 'Приветствие',
      body: 'Добрый день! Меня зовут Анна.',
      baseVersion: fromBoris.conflict.version,
    });
    expect(merged).toMatchObject({ ok: true, version: 3 });
    const trail = async () =>
      (await stack.api.sql<{ kind: string }[]>`select kind from team_audit where subject = ${created.id} order by at`).map((t) => t.kind);
    await until(async () => (await trail()).length >= 4, 'the audit trail in PostgreSQL');
    expect(await trail()).toEqual(['template', 'template', 'conflict', 'template']);
  });

  it('anyone in the team deletes a template, but only the version they saw; the delete stays in the audit trail', async () => {
    const created = await call<{ ok: true; id: string; version: number }>(anna, 'team.saveTemplate', {
      name: 'Возврат',
      body: 'Оформите возврат в личном кабинете.',
      baseVersion: 0,
    });
    await until(
      async () => (await call<{ id: string }[]>(boris, 'team.templates')).some((t) => t.id === created.id),
      'Boris to see the template',
    );
    // Boris decides to delete version 1 while Anna saves version 2: his delete is refused with her text.
    await call(anna, 'team.saveTemplate', {
      id: created.id,
      name: 'Возврат',
      body: 'Возврат — в личном кабинете, раздел «Заказы».',
      baseVersion: 1,
    });
    const stale = await call(boris, 'team.deleteTemplate', { id: created.id, baseVersion: 1 });
    expect(stale).toEqual({
      ok: false,
      conflict: { version: 2, name: 'Возврат', body: 'Возврат — в личном кабинете, раздел «Заказы».', by: 'Anna' },
    });
    expect(await call(boris, 'team.deleteTemplate', { id: created.id, baseVersion: 2 })).toEqual({ ok: true });
    await until(
      async () => !(await call<{ id: string }[]>(anna, 'team.templates')).some((t) => t.id === created.id),
      'the template to be gone from Anna’s desktop',
    );
    const trail = () => stack.api.sql<{ kind: string; operator_name: string; detail: { version?: number; name?: string } }[]>`
      select kind, operator_name, detail from team_audit where subject = ${created.id} order by at`;
    await until(async () => (await trail()).at(-1)?.kind === 'template_delete', 'the delete in the audit trail');
    expect((await trail()).at(-1)).toEqual({ kind: 'template_delete', operator_name: 'Boris', detail: { version: 2, name: 'Возврат' } });
    // Anna still had it open: her save says it was deleted and by whom, and keeps her text for a new template.
    const late = await call(anna, 'team.saveTemplate', { id: created.id, name: 'Возврат', body: 'Мой вариант', baseVersion: 2 });
    expect(late).toEqual({ ok: false, conflict: { version: 0, body: '', name: 'Возврат', by: 'Boris', deleted: true } });
    expect(await call(anna, 'team.deleteTemplate', { id: created.id, baseVersion: 2 })).toEqual({ ok: true });
  });

  it('opens a colleague’s send with its preview as data, the provider’s message id and its statuses from the audit trail', async () => {
    const sent = await call<SendSummary>(anna, 'sends.send', pachca(812, 'Счёт приложен'));
    await until(
      async () => (await call<TeamSend[]>(boris, 'team.sends')).some((s) => s.id === sent.id && s.status === 'sent'),
      'Boris to see Anna’s send',
    );
    const detail = await call<Record<string, unknown>>(boris, 'team.send', { id: sent.id });
    expect(detail).toMatchObject({
      id: sent.id,
      operatorName: 'Anna',
      mine: false,
      provider: 'pachca',
      to: { kind: 'chat', id: '812' },
      preview: { kind: 'text', text: 'Счёт приложен' },
      status: 'sent',
      providerMessageId: sent.providerMessageId,
      accountName: 'Pachca',
    });
    const trail = detail.trail as { kind: string; status: string; operatorName: string }[];
    expect(trail[0]).toMatchObject({ kind: 'send', operatorName: 'Anna' });
    expect(trail.at(-1)?.status).toBe('sent');
    const missing = await boris.dispatch('team.send', { id: 'nobody-sent-this' });
    expect(missing).toMatchObject({ ok: false, error: { reason: 'team_send_missing' } });
  });

  it('reads team rows that hold only text (English from the first builds, language-free later) back as data, on the server and on the desktop', async () => {
    const row = (id: string, provider: string, preview: string) => stack.api.sql`
      insert into team_send (id, team_id, operator_id, operator_name, provider, account, chat, recipient, preview, status, created_at, updated_at, synced_at)
      values (${id}, 'support', 'op_old', 'Old desktop', ${provider}, ${`${provider}|sandbox|`}, ${`${provider}|sandbox||x`}, 'x', ${preview}, 'sent', ${Date.now()}, ${Date.now()}, ${Date.now()})`;
    await row('old-diadoc', 'diadoc', '2 documents: Акт · Счёт');
    await row('old-files', 'pachca', '📎 акт.pdf 📎 счёт.pdf');
    // The server's start-up migration fills what it finds; a row an older server wrote later is read by the desktop itself.
    await migrate(stack.databaseUrl);
    await row('old-counted', 'diadoc', '📄 × 3');
    const filled = await stack.api.sql<{ id: string; preview_data: unknown }[]>`
      select id, preview_data from team_send where id in ('old-diadoc', 'old-files', 'old-counted') order by id`;
    expect(filled).toEqual([
      { id: 'old-counted', preview_data: null },
      { id: 'old-diadoc', preview_data: { kind: 'documents', count: 2, names: ['Акт', 'Счёт'] } },
      { id: 'old-files', preview_data: { kind: 'files', count: 2, names: ['акт.pdf', 'счёт.pdf'] } },
    ]);
    // On the desktop: records an older desktop published with the text only (no previewData), as SENDS holds them.
    const server = stack.teams.connection('support')!;
    for (const [id, provider, preview] of [
      ['old-diadoc', 'diadoc', '2 documents: Акт · Счёт'],
      ['old-files', 'pachca', '📎 акт.pdf 📎 счёт.pdf'],
      ['old-counted', 'diadoc', '📄 × 3'],
    ] as const)
      server.publish(
        subjects.send('op_old', id),
        JSON.stringify({
          id,
          provider,
          account: `${provider}|sandbox|`,
          chat: `${provider}|sandbox||x`,
          recipient: 'x',
          preview,
          status: 'sent',
          createdAt: Date.now(),
          updatedAt: Date.now(),
        }),
      );
    await until(
      async () => (await call<TeamSend[]>(boris, 'team.sends')).some((s) => s.id === 'old-counted'),
      'the old records to reach Boris',
    );
    const seen = new Map((await call<TeamSend[]>(boris, 'team.sends')).map((s) => [s.id, s.preview]));
    expect(seen.get('old-diadoc')).toEqual({ kind: 'documents', count: 2, names: ['Акт', 'Счёт'] });
    expect(seen.get('old-files')).toEqual({ kind: 'files', count: 2, names: ['акт.pdf', 'счёт.pdf'] });
    expect(seen.get('old-counted')).toEqual({ kind: 'documents', count: 3, names: [] });
  });

  it('keeps the audit trail append-only, even for the server itself', async () => {
    await expect(stack.api.sql`delete from team_audit`).rejects.toThrow(/append-only/);
    await expect(stack.api.sql`update team_audit set kind = 'x'`).rejects.toThrow(/append-only/);
  });

  it('refuses a sign-in with a wrong password or a forged refresh token, and a NATS connection the team server did not sign', async () => {
    await expect(connectTeamLink(stack.apiUrl, { login: 'anna', password: 'wrong-password' })).rejects.toThrow('team_bad_credentials');
    await expect(connectTeamLink(stack.apiUrl, { refreshToken: 'forged.token' })).rejects.toThrow('team_bad_credentials');
    expect(await connectWithForgedJwt(stack.natsUrl)).toBe('refused');
  });
});
