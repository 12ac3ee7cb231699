import type { Clock } from '../clock.ts';
import type { RateRule } from '../providers/types.ts';

interface Persist {
  getState(key: string): string | undefined;
  setState(key: string, value: string): void;
}

interface KeyState {
  /** Start times of the requests inside the current window, oldest first. */
  sent: number[];
  /** The provider itself said "not before" (Market 420, Pachca 429). */
  blockedUntil: number;
}

/**
 * A sliding-window limiter whose state lives in the history database, so a restart neither
 * forgets the hour's Market quota nor a provider's "retry after".
 */
export class RateLimiter {
  private readonly cache = new Map<string, KeyState>();
  /** Keys changed since the last write: persisted in one batch, off the send's hot path. */
  private readonly dirty = new Set<string>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly persist: Persist;
  private readonly clock: Clock;

  constructor(persist: Persist, clock: Clock) {
    this.persist = persist;
    this.clock = clock;
  }

  private state(key: string): KeyState {
    let s = this.cache.get(key);
    if (!s) {
      const raw = this.persist.getState(`rate:${key}`);
      s = raw ? (JSON.parse(raw) as KeyState) : { sent: [], blockedUntil: 0 };
      this.cache.set(key, s);
    }
    return s;
  }

  private save(key: string, s: KeyState, now = false): void {
    this.cache.set(key, s);
    this.dirty.add(key);
    if (now) return this.flush();
    // A crash loses at most this much pacing history: harmless for a per-second pace and a
    // rounding error for an hourly quota. A provider's own "not before" is written at once.
    this.flushTimer ??= setTimeout(() => this.flush(), 250);
    this.flushTimer.unref?.();
  }

  /** Writes every changed key now (also on shutdown). */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const key of this.dirty) this.persist.setState(`rate:${key}`, JSON.stringify(this.cache.get(key)));
    this.dirty.clear();
  }

  /** When every rule allows one more request: now, or a later time. */
  nextSlot(rules: readonly RateRule[]): number {
    const now = this.clock.now();
    let at = now;
    for (const r of rules) {
      const s = this.state(r.key);
      while (s.sent.length && s.sent[0]! <= now - r.windowMs) s.sent.shift();
      if (s.blockedUntil > at) at = s.blockedUntil;
      if (s.sent.length >= r.limit) at = Math.max(at, s.sent[s.sent.length - r.limit]! + r.windowMs);
    }
    return at;
  }

  /** Records a request as it leaves. */
  take(rules: readonly RateRule[]): void {
    const now = this.clock.now();
    for (const r of rules) {
      const s = this.state(r.key);
      s.sent.push(now);
      if (s.sent.length > r.limit) s.sent.splice(0, s.sent.length - r.limit);
      this.save(r.key, s);
    }
  }

  /** The provider refused with a time: nothing under these keys leaves before it. */
  block(rules: readonly RateRule[], until: number): void {
    for (const r of rules) {
      const s = this.state(r.key);
      s.blockedUntil = Math.max(s.blockedUntil, until);
      this.save(r.key, s, true);
    }
  }
}
