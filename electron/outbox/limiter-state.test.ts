import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../clock.ts';
import { RateLimiter } from './limiter.ts';

const rules = [{ key: 'market:hour', limit: 2, windowMs: 3_600_000 }];

function storeWith(value: string): { getState(k: string): string | undefined; setState(k: string, v: string): void } {
  const m = new Map([['rate:market:hour', value]]);
  return { getState: (k) => m.get(k), setState: (k, v) => void m.set(k, v) };
}

describe('pacing state read back from the history database', () => {
  afterEach(() => vi.restoreAllMocks());

  for (const [what, raw] of [
    ['not JSON', '{{{'],
    ['JSON of another shape', JSON.stringify({ sent: 'yesterday', blockedUntil: null })],
    ['a list with a non-number', JSON.stringify({ sent: [1, 'two'], blockedUntil: 0 })],
  ] as const)
    it(`starts the key fresh with a logged reason when the row is ${what}`, () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      const limiter = new RateLimiter(storeWith(raw), new ManualClock());
      expect(limiter.waitMs(rules)).toBe(0);
      limiter.take(rules);
      limiter.take(rules);
      expect(limiter.waitMs(rules)).toBeGreaterThan(0);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('market:hour is unreadable'));
    });

  it('keeps a well-formed row: a full hour stays full after a restart', () => {
    const clock = new ManualClock();
    const now = clock.now();
    const limiter = new RateLimiter(storeWith(JSON.stringify({ sent: [now - 1000, now - 500], blockedUntil: 0 })), clock);
    expect(limiter.waitMs(rules)).toBeGreaterThan(3_500_000);
  });
});
