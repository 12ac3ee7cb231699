import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { storedJson } from '../stored-json.ts';
import type { RateRule } from '../providers/types.ts';

interface Persist {
  getState(key: string): string | undefined;
  setState(key: string, value: string): void;
}

/** A key's state as stored: wall-clock times, since a monotonic reading means nothing to the next run. */
const storedState = z.object({ sent: z.array(z.number()), blockedUntil: z.number() });

interface KeyState {
  /** Monotonic start times of the requests inside the current window, oldest first. */
  sent: number[];
  /** Monotonic time before which the provider itself said "not yet" (Market 420, Pachca 429). */
  blockedUntil: number;
}

/** A provider's "not before" further out than this is read as a misreading, not waited for. */
const LONGEST_BLOCK_MS = 24 * 3_600_000;

/**
 * A sliding-window limiter whose state lives in the history database, so a restart neither
 * forgets the hour's Market quota nor a provider's "retry after". It measures on the monotonic
 * clock: a wall clock set back cannot stall a pace, one set forward cannot skip it. Times cross
 * to wall-clock only on the way to disk, and back on load (a stored time in the future is
 * clamped to now, so even a clock set back between two runs costs at most one window).
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

  /** Wall-clock time minus monotonic time, now. */
  private offset(): number {
    return this.clock.now() - this.clock.monotonic();
  }

  private state(key: string): KeyState {
    let s = this.cache.get(key);
    if (!s) {
      s = { sent: [], blockedUntil: 0 };
      const raw = this.persist.getState(`rate:${key}`);
      const parsed = raw ? storedState.safeParse(storedJson(raw)) : undefined;
      // Unreadable pacing state only loses the pace so far: the key starts fresh, and a provider
      // that still counts answers 429/420, which blocks the key again.
      if (parsed && !parsed.success) console.warn(`[limiter] stored pacing state for ${key} is unreadable; starting it fresh`);
      if (parsed?.success) {
        const now = this.clock.monotonic();
        const off = this.offset();
        s.sent = parsed.data.sent.map((w) => Math.min(w - off, now));
        const blockedFor = parsed.data.blockedUntil - this.clock.now();
        s.blockedUntil = blockedFor > 0 ? now + Math.min(blockedFor, LONGEST_BLOCK_MS) : 0;
      }
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

  /** Writes every changed key now (also on shutdown). A locked or full history keeps them for the next flush. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const off = this.offset();
    try {
      for (const key of this.dirty) {
        const s = this.cache.get(key)!;
        const blockedUntil = s.blockedUntil > this.clock.monotonic() ? s.blockedUntil + off : 0;
        this.persist.setState(`rate:${key}`, JSON.stringify({ sent: s.sent.map((m) => m + off), blockedUntil }));
        this.dirty.delete(key);
      }
    } catch (e) {
      console.warn('[limiter] pacing state not written yet:', (e as Error).message);
      this.flushTimer = setTimeout(() => this.flush(), 1000);
      this.flushTimer.unref?.();
    }
  }

  /** How long until every rule allows one more request: 0 when one may leave now. */
  waitMs(rules: readonly RateRule[]): number {
    const now = this.clock.monotonic();
    let at = now;
    for (const r of rules) {
      const s = this.state(r.key);
      while (s.sent.length && s.sent[0]! <= now - r.windowMs) s.sent.shift();
      if (s.blockedUntil > at) at = s.blockedUntil;
      if (s.sent.length >= r.limit) at = Math.max(at, s.sent[s.sent.length - r.limit]! + r.windowMs);
    }
    return at - now;
  }

  /** Records a request as it leaves. */
  take(rules: readonly RateRule[]): void {
    const now = this.clock.monotonic();
    for (const r of rules) {
      const s = this.state(r.key);
      s.sent.push(now);
      if (s.sent.length > r.limit) s.sent.splice(0, s.sent.length - r.limit);
      this.save(r.key, s);
    }
  }

  /** The provider refused with a wall-clock time: nothing under these keys leaves for that long. */
  block(rules: readonly RateRule[], untilWall: number): void {
    const until = this.clock.monotonic() + Math.min(Math.max(0, untilWall - this.clock.now()), LONGEST_BLOCK_MS);
    for (const r of rules) {
      const s = this.state(r.key);
      s.blockedUntil = Math.max(s.blockedUntil, until);
      this.save(r.key, s, true);
    }
  }
}
