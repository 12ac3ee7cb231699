import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SendSummary } from '../../shared/sends.ts';
import type { TeamSend } from '../../shared/team.ts';
import { teamSendRowSchema } from '../../electron/team/rows.ts';
import { call, pachca, teamDesktop, testStack, until, type Desktop } from './stack-fixture.ts';

/**
 * Issue 15: "the uplink works after the local commit, never before". What the team journal
 * (team.sqlite) and the team server hold of a send is read at each moment the history committed
 * it and when the send's reply came back: neither runs ahead of the history, and the reply does not
 * wait for either. The time it costs is bench/team-send-path.ts's figure; this is the order alone.
 */
describe('a send on a team desktop: the history first, the team after', () => {
  let stack: Awaited<ReturnType<typeof testStack>>;
  let anna: Desktop;
  let journal: DatabaseSync;

  beforeAll(async () => {
    stack = await testStack();
    anna = await teamDesktop(stack, 'anna', await stack.addOperator('anna', 'Anna', 'support'));
    journal = new DatabaseSync(join(anna.dataDir, 'team.sqlite'), { readOnly: true });
  });
  afterAll(async () => {
    journal?.close();
    await anna?.dispose();
    await stack?.dispose();
  });

  /** The version of a send the journal holds (its summary's updatedAt and status), if any. */
  const inJournal = (id: string) => {
    const r = journal.prepare('select row from pending_send where id = ?').get(id);
    if (!r) return undefined;
    const row = teamSendRowSchema.parse(JSON.parse(String(r.row)));
    return { status: row.status, updatedAt: row.updatedAt };
  };
  const onServer = (id: string) => anna.team!.currentLink!.view().sends.find((s) => s.id === id);

  it('journals each committed state only after the commit, and replies before the outcome reaches the journal or the server', async () => {
    // The host's own listeners hear a commit before the uplink is told of it: what the team had then is recorded here.
    const atCommit: { status: string; committedAt: number; journal?: { status: string; updatedAt: number }; server: boolean }[] = [];
    const off = anna.on('historyChanged', ({ ids }) => {
      for (const id of ids) {
        const s = anna.history.getSummary(id);
        if (s) atCommit.push({ status: s.status, committedAt: s.updatedAt, journal: inJournal(id), server: onServer(id) !== undefined });
      }
    });
    const sent = await call<SendSummary>(anna, 'sends.send', pachca(4242, 'Сначала история, потом команда'));
    const atReply = { journal: inJournal(sent.id), server: onServer(sent.id)?.status };
    off();

    expect(sent.status).toBe('sent');
    expect(atCommit.map((c) => c.status)).toEqual(['pending', 'sending', 'sent']);
    // The write-ahead commit comes before anything of the send exists on the team's side.
    expect(atCommit[0]).toMatchObject({ status: 'pending', journal: undefined, server: false });
    // No later commit finds its own state (or a newer one) already in the journal.
    for (const c of atCommit) expect(c.journal === undefined || c.journal.updatedAt < c.committedAt).toBe(true);
    // The reply came back with the outcome committed locally and not yet journalled or on the server: it waited for neither.
    expect(atReply.journal?.status).not.toBe('sent');
    expect(atReply.server).not.toBe('sent');

    // And the uplink does its part afterwards: the outcome is journalled, pushed, and the team has it.
    await until(() => inJournal(sent.id)?.status === 'sent', 'the outcome in the journal');
    expect(await anna.team!.settled(30_000)).toBe(true);
    await until(
      async () => (await call<TeamSend[]>(anna, 'team.sends')).some((s) => s.id === sent.id && s.status === 'sent'),
      'the send on the team server',
    );
  });
});
