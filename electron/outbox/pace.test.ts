import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { ManualClock } from '../clock.ts';
import { PachcaSimulator } from '../sandbox/pachca.ts';
import { testHost, value } from '../testing/host-fixture.ts';

/**
 * Pachca may restrict a token that keeps hitting 429 (pachca.md §7), so a run of refusals is
 * waited out ever longer, never "at once" even when Retry-After says 0, and stops at the cap.
 * Time moves only on the manual clock: nothing here sleeps.
 */
const TOKEN = 'pachca-pace-token-1';

describe('a run of 429 answers with Retry-After: 0', () => {
  const sim = new PachcaSimulator({ tokens: [TOKEN] });
  let baseUrl: string;
  beforeAll(async () => {
    baseUrl = await sim.start();
  });
  afterAll(() => sim.stop());

  it('backs off longer each time, never sooner than a second, and stops at the cap with nothing sent', async () => {
    const clock = new ManualClock();
    const host = await testHost({ clock, timeoutMs: 2000 });
    try {
      const account = value<AccountView>(
        await host.dispatch('accounts.create', {
          name: 'Пачка',
          baseUrl,
          settings: { provider: 'pachca', isBot: false },
          secrets: { token: TOKEN },
        }),
      );
      sim.server.inject({ path: '/messages', status: 429, headers: { 'retry-after': '0' }, times: 10 });
      const get = async (id: string) => value<SendSummary>(await host.dispatch('history.get', { id }));

      let s = value<SendSummary>(
        await host.dispatch('sends.send', {
          accountId: account.id,
          message: { provider: 'pachca', entityType: 'discussion', entityId: 334, content: 'Счёт №5 оплачен' },
        }),
      );
      const waits: number[] = [];
      while (s.status === 'waiting') {
        const wait = s.nextAttemptAt! - clock.now();
        waits.push(wait);
        const attempts = s.attemptCount;
        clock.advance(wait);
        await vi.waitFor(async () => expect((await get(s.id)).attemptCount).toBe(attempts + 1), { timeout: 5000, interval: 10 });
        await vi.waitFor(async () => expect((await get(s.id)).status).not.toBe('sending'), { timeout: 5000, interval: 10 });
        s = await get(s.id);
      }

      // Three waits (the documented "max 3 retries"), each at least 1 s and growing: 1, 2, 4 s with jitter 0.5–1.5.
      expect(waits).toHaveLength(3);
      waits.forEach((w, k) => {
        expect(w).toBeGreaterThanOrEqual(Math.max(1000, 500 * 2 ** k));
        expect(w).toBeLessThanOrEqual(1500 * 2 ** k);
      });
      expect(s).toMatchObject({ status: 'failed', attemptCount: 4, error: { kind: 'rate_limited', reason: 'rate_limit_cap' } });
      expect(sim.server.received.filter((r) => r.path === '/messages')).toHaveLength(4);
      expect(sim.messages).toHaveLength(0);
    } finally {
      sim.server.clearFaults();
      await host.dispose();
    }
  });
});
