import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AccountView } from '../../shared/accounts.ts';
import type { Reply } from '../../shared/contract.ts';
import type { SendSummary } from '../../shared/sends.ts';
import { ManualClock, sourcesClock } from '../clock.ts';
import { GreenApiV1Simulator } from '../sandbox/green-api-v1.ts';
import { testHost } from '../testing/host-fixture.ts';
import { RateLimiter } from './limiter.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TOKEN = 'gr.clock-token-1357';

function value<T>(r: Reply): T {
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.message}`);
  return r.value as T;
}

function memory(): { getState(k: string): string | undefined; setState(k: string, v: string): void } {
  const m = new Map<string, string>();
  return { getState: (k) => m.get(k), setState: (k, v) => void m.set(k, v) };
}

describe('a wall clock that jumps', () => {
  it('is noticed against the monotonic clock and logged, once per jump', () => {
    let wall = Date.UTC(2026, 10, 22, 9);
    let mono = 1000;
    const lines: string[] = [];
    const jumps: number[] = [];
    const clock = sourcesClock({ wall: () => wall, monotonic: () => mono }, (l) => lines.push(l));
    clock.onJump((by) => jumps.push(by));
    wall += 500;
    mono += 500;
    clock.now();
    expect(lines).toEqual([]);
    wall += HOUR;
    expect(clock.now()).toBe(wall);
    clock.now();
    wall -= 2 * HOUR;
    clock.now();
    expect(jumps).toEqual([HOUR, -2 * HOUR]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/jumped forward by 3600 s/);
    expect(lines[1]).toMatch(/jumped back by 7200 s/);
  });

  it('neither stalls a pace when set back nor skips it when set forward', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter(memory(), clock);
    const perSecond = [{ key: 'pachca:chat:1', limit: 1, windowMs: 1000 }];
    limiter.take(perSecond);
    clock.jump(-HOUR);
    expect(limiter.waitMs(perSecond)).toBe(1000);
    clock.advance(1000);
    expect(limiter.waitMs(perSecond)).toBe(0);
    limiter.take(perSecond);
    clock.jump(DAY);
    expect(limiter.waitMs(perSecond)).toBe(1000);
  });

  it('keeps a provider’s "not before" as a span of time, whatever the wall clock does next', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter(memory(), clock);
    const rules = [{ key: 'market:token', limit: 100, windowMs: HOUR }];
    limiter.block(rules, clock.now() + 60_000);
    clock.jump(-HOUR);
    expect(limiter.waitMs(rules)).toBe(60_000);
    clock.jump(2 * HOUR);
    expect(limiter.waitMs(rules)).toBe(60_000);
  });

  it('after a restart on a clock set back, the stored pace costs at most one window', () => {
    const store = memory();
    const before = new ManualClock(Date.UTC(2026, 10, 22, 12));
    const rules = [{ key: 'pachca:chat:2', limit: 1, windowMs: 1000 }];
    const first = new RateLimiter(store, before);
    first.take(rules);
    first.flush();
    const later = new ManualClock(Date.UTC(2026, 10, 22, 11));
    expect(new RateLimiter(store, later).waitMs(rules)).toBe(1000);
  });

  describe('in the history', () => {
    const sim = new GreenApiV1Simulator({ tokens: [TOKEN] });
    let baseUrl: string;
    beforeAll(async () => {
      baseUrl = await sim.start();
    });
    afterAll(() => sim.stop());

    it('dates each send by the clock of its moment: a day-long jump forward, once corrected, does not date later sends in the future', async () => {
      const clock = new ManualClock();
      const host = await testHost({ clock });
      const account = value<AccountView>(
        await host.dispatch('accounts.create', {
          name: 'WA',
          baseUrl,
          settings: { provider: 'greenapi', form: 'v1' },
          secrets: { token: TOKEN },
        }),
      );
      const send = async (text: string) =>
        value<SendSummary>(
          await host.dispatch('sends.send', {
            accountId: account.id,
            message: { provider: 'greenapi', recipientType: 'individual', to: '79001234567', text },
          }),
        );
      const today = clock.now();
      const before = await send('до скачка');
      clock.jump(DAY);
      const during = await send('во время скачка');
      clock.jump(-DAY);
      clock.advance(60_000);
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      const after = await send('после исправления');
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^\[history\] the clock is 86340 s behind the last send/));
      warn.mockRestore();
      const again = await send('и ещё одно');

      expect(before.createdAt).toBe(today);
      expect(during.createdAt).toBe(today + DAY);
      expect(after.createdAt).toBe(today + 60_000);
      expect(again.createdAt).toBe(today + 60_000);
      for (const s of [before, during, after, again]) expect(s.status).toBe('sent');

      const between = async (from: number, to: number) =>
        value<{ items: SendSummary[] }>(await host.dispatch('history.list', { limit: 50, from, to })).items.map((s) => s.id);
      expect(await between(today - HOUR, today + HOUR)).toEqual([again.id, after.id, before.id]);
      expect(await between(today + DAY - HOUR, today + DAY + HOUR)).toEqual([during.id]);
      await host.dispose();
    });
  });
});
