import { describe, expect, it } from 'vitest';
import type { TeamTrailEntry } from './link.ts';
import { TrailCache } from './trail-cache.ts';

const entry = (status: string, at: number): TeamTrailEntry => ({ kind: at === 1 ? 'send' : 'status', status, operatorName: 'Борис', at });

function countingReader(trail: TeamTrailEntry[]) {
  const reader = { reads: 0, read: async () => (reader.reads++, trail) };
  return reader;
}

describe('a colleague’s send’s trail on the detail pane', () => {
  it('is read from the team server once while the send is unchanged, however often the pane asks', async () => {
    const cache = new TrailCache();
    const server = countingReader([entry('sent', 1)]);
    for (let i = 0; i < 5; i++)
      expect(await cache.get('s1', { updatedAt: 10, status: 'sent' }, true, server.read)).toEqual([entry('sent', 1)]);
    expect(server.reads).toBe(1);
  });

  it('is read again when the send has a new record (a later status)', async () => {
    const cache = new TrailCache();
    const first = countingReader([entry('sent', 1)]);
    await cache.get('s1', { updatedAt: 10, status: 'sent' }, true, first.read);
    const later = countingReader([entry('sent', 1), entry('delivered', 2)]);
    expect(await cache.get('s1', { updatedAt: 20, status: 'delivered' }, true, later.read)).toHaveLength(2);
    expect(later.reads).toBe(1);
  });

  it('keeps nothing read offline or failed: the next look asks the server', async () => {
    const cache = new TrailCache();
    const offline = countingReader([entry('sent', 1)]);
    await cache.get('s1', { updatedAt: 10, status: 'sent' }, false, offline.read);
    expect(await cache.get('s1', { updatedAt: 10, status: 'sent' }, true, async () => Promise.reject(new Error('timeout')))).toEqual([]);
    const online = countingReader([entry('sent', 1)]);
    await cache.get('s1', { updatedAt: 10, status: 'sent' }, true, online.read);
    expect(online.reads).toBe(1);
  });

  it('keeps the trails of the sends looked at most recently, up to its capacity', async () => {
    const cache = new TrailCache(2);
    for (const id of ['s1', 's2', 's3']) await cache.get(id, { updatedAt: 1, status: 'sent' }, true, countingReader([]).read);
    const again = countingReader([]);
    await cache.get('s1', { updatedAt: 1, status: 'sent' }, true, again.read);
    await cache.get('s3', { updatedAt: 1, status: 'sent' }, true, again.read);
    expect(again.reads).toBe(1);
  });
});
