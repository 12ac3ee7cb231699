/**
 * Time as the services see it, on two clocks. `now()` is wall-clock time: what is stored and shown.
 * `monotonic()` only ever moves forward at a steady pace: pacing and waits are measured on it, so a
 * wall clock set back an hour cannot stall a pace, and one set forward cannot skip it. The real
 * clock in the app; a manual one in tests, so scheduled and rate-limited sends are tested by moving
 * time, never by sleeping.
 */
export interface Clock {
  now(): number;
  monotonic(): number;
  /** `fn` after `ms` of monotonic time. */
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  /** Tells `fn` when the wall clock moved against the monotonic one (set by hand, NTP step, suspend). */
  onJump(fn: (byMs: number) => void): () => void;
}

/** A wall clock that drifts from the monotonic one by more than this between two readings has jumped. */
export const JUMP_TOLERANCE_MS = 2000;

export interface TimeSources {
  wall(): number;
  monotonic(): number;
}

/**
 * The clock over real time sources (or fake ones in a test). Every reading compares the wall clock's
 * progress with the monotonic clock's; a difference past the tolerance is a jump, logged once and
 * told to the listeners (the outbox re-arms its schedule by it, the history stops ordering by it).
 */
export function sourcesClock(sources: TimeSources, log: (line: string) => void = (l) => console.warn(l)): Clock {
  const listeners = new Set<(byMs: number) => void>();
  let offset = sources.wall() - sources.monotonic();
  function read(): number {
    const wall = sources.wall();
    const drift = wall - sources.monotonic() - offset;
    if (Math.abs(drift) > JUMP_TOLERANCE_MS) {
      offset += drift;
      log(
        `[clock] the wall clock jumped ${drift > 0 ? 'forward' : 'back'} by ${Math.round(Math.abs(drift) / 1000)} s; pacing and waits keep the monotonic clock`,
      );
      for (const l of listeners) l(drift);
    }
    return wall;
  }
  return {
    now: read,
    monotonic: () => sources.monotonic(),
    setTimer: (fn, ms) => {
      // Node's timers run on the monotonic clock; they cap at ~24.8 days, so a schedule further out is re-armed when it fires early.
      const t = setTimeout(fn, Math.min(Math.max(0, ms), 2 ** 31 - 1));
      t.unref?.();
      return t;
    },
    clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    onJump(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

export const systemClock: Clock = sourcesClock({ wall: () => Date.now(), monotonic: () => performance.now() });

/** A clock that only moves when told to; due timers run in time order on `advance`. */
export class ManualClock implements Clock {
  private t: number;
  private mono = 0;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private readonly jumpListeners = new Set<(byMs: number) => void>();

  constructor(start = Date.UTC(2026, 10, 22, 9, 0, 0)) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  monotonic(): number {
    return this.mono;
  }
  setTimer(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.mono + Math.max(0, ms), fn });
    return id;
  }
  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  onJump(fn: (byMs: number) => void): () => void {
    this.jumpListeners.add(fn);
    return () => this.jumpListeners.delete(fn);
  }
  /** Moves both clocks forward, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const end = this.mono + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      if (next[1].at > this.mono) {
        this.t += next[1].at - this.mono;
        this.mono = next[1].at;
      }
      next[1].fn();
    }
    this.t += end - this.mono;
    this.mono = end;
  }
  /** Sets the wall clock by `ms` (either way) while the monotonic one stands still, as a changed system clock does. */
  jump(ms: number): void {
    this.t += ms;
    for (const l of this.jumpListeners) l(ms);
  }
  pending(): number {
    return this.timers.size;
  }
}
