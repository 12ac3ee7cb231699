import { describe, expect, it } from 'vitest';
import { runSim } from '../src/sim/run-sim.ts';

describe('the team simulation, small (the full day is `npm run team:sim`)', () => {
  it('keeps its invariants through an offline period and restarts of zero-cache and PostgreSQL', { timeout: 900_000 }, async () => {
    const r = await runSim({
      operators: 4,
      sendsPerDay: 120,
      minutes: 1,
      offlineShare: 0.25,
      restartZero: true,
      restartPostgres: true,
      chats: 20,
    });
    expect(r.sends).toBeGreaterThan(40);
    expect(r.missingSends).toBe(0);
    expect(r.duplicatedSends).toBe(0);
    expect(r.claims.onlineDoubleClaims).toBe(0);
    expect(r.templates.lostEdits).toBe(0);
    expect(r.claims.granted).toBeGreaterThan(0);
    expect(r.drains.count).toBe(1);
    expect(r.drains.max).toBeLessThan(Number.POSITIVE_INFINITY);
    expect(r.convergence.samples).toBeGreaterThan(0);
  });
});
