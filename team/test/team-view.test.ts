import { describe, expect, it } from 'vitest';
import { TeamViewState, viewSendLimit } from '../client/team-view.ts';
import { subjects } from '../protocol/subjects.ts';

const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const record = (id: string, updatedAt: number, status = 'sent') => ({
  id,
  provider: 'pachca',
  account: 'pachca|sandbox|',
  chat: 'pachca|sandbox||x',
  recipient: 'x',
  preview: 'text',
  status,
  createdAt: 1,
  updatedAt,
});

describe('the team view folded from records', () => {
  it('lists the same newest sends when it follows changes as when it sorts everything again', () => {
    const state = new TeamViewState(() => {});
    const newest = new Map<string, number>();
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let round = 0; round < 40; round++) {
      // Bursts of new sends and of later statuses of older ones, read in between.
      for (let i = 0; i < 150; i++) {
        const id = `s${Math.floor(random() * 3000)}`;
        const at = (newest.get(id) ?? 0) + Math.floor(random() * 1000);
        state.applySend(subjects.send('op_a', id), bytes(record(id, at)), at);
        newest.set(id, Math.max(newest.get(id) ?? 0, at));
      }
      const listed = state.view().sends;
      const expected = [...newest.values()].sort((a, b) => b - a).slice(0, viewSendLimit);
      expect(listed.map((s) => s.updatedAt)).toEqual(expected);
    }
  });

  it('keeps an unchanged send’s row object, and names rows again when an operator’s name arrives', () => {
    const state = new TeamViewState(() => {});
    state.applySend(subjects.send('op_a', 'one'), bytes(record('one', 1)), 10);
    state.applySend(subjects.send('op_a', 'two'), bytes(record('two', 2)), 20);
    const first = state.view().sends.find((s) => s.id === 'one');
    state.applySend(subjects.send('op_a', 'two'), bytes(record('two', 3, 'read')), 30);
    expect(state.view().sends.find((s) => s.id === 'one')).toBe(first);
    expect(first?.operatorName).toBe('');
    state.applyOperator('op_a', bytes({ name: 'Anna' }));
    expect(state.view().sends.map((s) => [s.id, s.operatorName, s.status, s.syncedAt])).toEqual([
      ['two', 'Anna', 'read', 30],
      ['one', 'Anna', 'sent', 10],
    ]);
  });

  it('ignores an older status arriving late and a record of the same id under another operator’s subject', () => {
    const logged: string[] = [];
    const state = new TeamViewState((m) => logged.push(m));
    state.applySend(subjects.send('op_a', 'one'), bytes(record('one', 5, 'sent')), 1);
    expect(state.applySend(subjects.send('op_a', 'one'), bytes(record('one', 4, 'sending')), 2)).toBe(false);
    expect(state.applySend(subjects.send('op_b', 'one'), bytes(record('one', 9, 'failed')), 3)).toBe(false);
    expect(state.applySend(subjects.send('op_a', 'two'), new TextEncoder().encode('{'), 4)).toBe(false);
    expect(state.view().sends).toMatchObject([{ id: 'one', status: 'sent', operatorId: 'op_a' }]);
    expect(state.holds('one', 'op_a', 5, 'sent')).toBe(true);
    expect(state.holds('one', 'op_a', 6, 'sent')).toBe(false);
    expect(state.holds('one', 'op_b', 5, 'sent')).toBe(false);
    expect(logged).toHaveLength(1);
  });
});
