import { memorySettings, teamPachcaAccount as account } from '../testing/team-account.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SendSummary } from '../../shared/sends.ts';
import { keyedSecretBox } from '../vault/secret-box.ts';
import { teamSendRowSchema } from './rows.ts';
import { onItsWayWindowMs, TeamUplink } from './uplink.ts';

/**
 * A send on its way is journalled once its window has passed or it reached its outcome, not at each
 * state: the journal's commit is an fsync on the main thread, and taken while the send was in flight
 * it made team mode's sends slower (bench/team-send-path.ts). No team server is needed for this: the
 * journal is written whether or not the desktop is connected.
 */

const summary = (id: string, status: SendSummary['status'], at: number): SendSummary => ({
  id,
  provider: 'pachca',
  accountId: account.id,
  accountName: account.name,
  sandbox: false,
  status,
  recipient: '42',
  to: { kind: 'chat', id: '42' },
  preview: { kind: 'text', text: 'Здравствуйте' },
  createdAt: at,
  updatedAt: at,
  attemptCount: 1,
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the team journal and a send on its way', () => {
  let dir: string;
  let uplink: TeamUplink;
  let journal: DatabaseSync;
  const history = new Map<string, SendSummary>();
  /** What the history committed: the summary, then the uplink told, as the host does. */
  const commit = (s: SendSummary) => {
    history.set(s.id, s);
    uplink.noteChanged([s.id]);
  };
  const inJournal = (id: string) => {
    const r = journal.prepare('select row from pending_send where id = ?').get(id);
    return r ? teamSendRowSchema.parse(JSON.parse(String(r.row))).status : undefined;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'uplink-journal-'));
    history.clear();
    uplink = new TeamUplink({
      journalFile: join(dir, 'team.sqlite'),
      summaryOf: (id) => history.get(id),
      accountOf: () => account,
      settings: memorySettings(),
      secretBox: keyedSecretBox(),
      factory: () => Promise.reject(new Error('not signed in in this test')),
      now: () => Date.now(),
      changed: () => {},
    });
    journal = new DatabaseSync(join(dir, 'team.sqlite'), { readOnly: true });
  });
  afterEach(async () => {
    journal.close();
    await uplink.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('journals a quick send once, at its outcome, never while it is in flight', async () => {
    const t = Date.now();
    commit(summary('s1', 'pending', t));
    await sleep(0);
    commit({ ...summary('s1', 'sending', t), updatedAt: Date.now() });
    await sleep(10);
    expect(inJournal('s1')).toBeUndefined();
    expect(uplink.status().pending).toBe(1);

    commit({ ...summary('s1', 'sent', t), updatedAt: Date.now(), providerMessageId: 'm1' });
    await sleep(0);
    expect(inJournal('s1')).toBe('sent');
  });

  it('journals a send that stays on its way once its window has passed, as it is', async () => {
    commit(summary('s2', 'sending', Date.now()));
    await sleep(onItsWayWindowMs / 2);
    expect(inJournal('s2')).toBeUndefined();
    await sleep(onItsWayWindowMs);
    expect(inJournal('s2')).toBe('sending');
  });

  it('journals a send still on its way when the desktop closes', async () => {
    commit(summary('s3', 'sending', Date.now()));
    await sleep(0);
    expect(inJournal('s3')).toBeUndefined();
    await uplink.close();
    expect(inJournal('s3')).toBe('sending');
  });
});
