import type { TeamTrailEntry } from './link.ts';

/**
 * A colleague's send's trail, kept while the send is unchanged. The detail pane's query is marked stale on
 * every team change (a busy team changes several times a second), and each read of a trail is a consumer
 * made on the team server: a trail only changes with a new record of its send, which moves the send's
 * `updatedAt` or status in the view, so that is the key. Only a trail read from the server while online
 * is kept; what an offline link answers is its own guess, and a failed read is asked again next time.
 */
export class TrailCache {
  private readonly trails = new Map<string, { version: string; trail: TeamTrailEntry[] }>();

  private readonly capacity: number;

  constructor(capacity = 50) {
    this.capacity = capacity;
  }

  async get(
    id: string,
    send: { updatedAt: number; status: string },
    online: boolean,
    read: () => Promise<TeamTrailEntry[]>,
  ): Promise<TeamTrailEntry[]> {
    const version = `${send.updatedAt}:${send.status}`;
    const kept = this.trails.get(id);
    if (online && kept?.version === version) return kept.trail;
    let trail: TeamTrailEntry[];
    try {
      trail = await read();
    } catch {
      return [];
    }
    if (online) {
      this.trails.delete(id);
      this.trails.set(id, { version, trail });
      // The oldest kept trail goes first: a Map iterates in insertion order.
      for (const old of this.trails.keys()) {
        if (this.trails.size <= this.capacity) break;
        this.trails.delete(old);
      }
    }
    return trail;
  }
}
