import { describe, expect, it } from 'vitest';
import { runSim } from '../src/sim/coordinator.ts';

describe('the team simulation, small (the full day is `npm run team:sim`)', () => {
  it(
    'keeps its invariants through an offline period, a dropped and a stalled connection, nats-server killed and PostgreSQL restarted',
    { timeout: 900_000 },
    async () => {
      const r = await runSim({
        operators: 4,
        sendsPerDay: 120,
        minutes: 1,
        // Two desk workers of two desktops each: sends, claims and template edits cross processes.
        processes: 2,
        offlineShare: 0.25,
        killNats: true,
        restartPostgres: true,
        connectionFaults: true,
        stallMs: 15_000,
        chats: 20,
        // TEAM_SIM_VERBOSE=1 prints the run's events as they happen.
        ...(process.env.TEAM_SIM_VERBOSE ? { log: (l: string) => console.log(l) } : {}),
      });
      expect(r.sends).toBeGreaterThan(40);
      // Every send reached the server once, at the status it ended in, PostgreSQL's copy too, and every desktop shows it.
      expect(r.missingSends).toBe(0);
      expect(r.staleSends).toBe(0);
      expect(r.missingInProjection).toBe(0);
      expect(r.unseen).toBe(0);
      expect(r.duplicatedSends).toBe(0);
      expect(r.claims.onlineDoubleClaims).toBe(0);
      expect(r.templates.lostEdits).toBe(0);
      expect(r.templates.edits).toBeGreaterThan(0);
      expect(r.claims.granted).toBeGreaterThan(0);
      expect(r.drains.count).toBe(1);
      expect(r.drains.max).toBeLessThan(Number.POSITIVE_INFINITY);
      expect(r.convergence.samples).toBeGreaterThan(0);
      // Each worker measured its own event loop over the day.
      expect(r.processes).toBe(2);
      expect(r.workers.map((w) => w.desktops)).toEqual([2, 2]);
      for (const w of r.workers) {
        expect(w.loopDelay.max).toBeGreaterThan(0);
        expect(w.cpuSeconds).toBeGreaterThan(0);
      }
      expect(r.components['desktops (all 2 worker processes)']?.cpuSeconds).toBeGreaterThan(0);
      // The desktop behind the relay noticed the drop and the silent stall by itself and came back.
      expect(r.connectionFaults.map((f) => f.kind)).toEqual(['dropped', 'stalled']);
      for (const f of r.connectionFaults) {
        expect(Number.isFinite(f.detectedMs) && Number.isFinite(f.reconnectedMs)).toBe(true);
        expect(f.drainedMs).toBeLessThan(Number.POSITIVE_INFINITY);
      }
      expect(r.restarts.map((x) => x.what)).toEqual(['nats-server killed', 'PostgreSQL restarted']);
      for (const x of r.restarts) expect(x.drainedMs).toBeLessThan(Number.POSITIVE_INFINITY);
      expect(r.restarts[1]!.projectedMs).toBeLessThan(Number.POSITIVE_INFINITY);
    },
  );
});
