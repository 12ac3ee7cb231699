import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TeamJournal } from './journal.ts';
import type { TeamSendRow } from './link.ts';

function row(id: string, updatedAt: number): TeamSendRow {
  return {
    id,
    provider: 'pachca',
    account: 'pachca:https://api.pachca.com',
    chat: 'pachca:https://api.pachca.com:discussion:1',
    recipient: 'discussion:1',
    preview: 'Привет',
    status: 'sent',
    createdAt: updatedAt,
    updatedAt,
  };
}

describe('team.sqlite rows of the wrong shape', () => {
  afterEach(() => vi.restoreAllMocks());

  it('uplinks the readable pending sends, leaves a garbage one out and says so once, not on every tick', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const file = join(mkdtempSync(join(tmpdir(), 'team-')), 'team.sqlite');
    const journal = new TeamJournal(file);
    journal.note(row('s_1', 1));
    journal.note(row('s_2', 2));
    const db = new DatabaseSync(file);
    db.exec(`UPDATE pending_send SET row = '{"id":"s_1","status":' WHERE id = 's_1'`);
    db.close();
    expect(journal.unsynced().map((r) => r.id)).toEqual(['s_2']);
    expect(journal.unsynced().map((r) => r.id)).toEqual(['s_2']);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('pending send in team.sqlite is unreadable'));
    journal.close();
  });

  it('lists the readable refused claims and leaves an unreadable one out', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const file = join(mkdtempSync(join(tmpdir(), 'team-')), 'team.sqlite');
    const journal = new TeamJournal(file);
    journal.settle('chat-1', { kind: 'refused', by: 'Анна', since: 5 }, 10);
    journal.settle('chat-2', { kind: 'refused', by: 'Борис', since: 6 }, 11);
    const db = new DatabaseSync(file);
    db.exec(`UPDATE settled SET detail = 'garbage' WHERE detail LIKE '%chat-2%'`);
    db.close();
    expect(journal.refusedClaims()).toEqual([{ chat: 'chat-1', by: 'Анна', since: 5, at: 10 }]);
    journal.close();
  });
});
