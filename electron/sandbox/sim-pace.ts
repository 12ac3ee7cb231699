/**
 * Per-key request windows for the simulators' read methods: each sheet gives a pace per token or
 * per instance and method, and an answer over it (429, 420) the app must meet and obey.
 */
export class SimPace {
  private readonly starts = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** Counts one request under `key`; `false` when `limit` requests already started within `windowMs`. */
  admit(key: string, limit: number, windowMs: number): boolean {
    const now = this.now();
    const list = (this.starts.get(key) ?? []).filter((t) => t > now - windowMs);
    if (list.length >= limit) {
      this.starts.set(key, list);
      return false;
    }
    list.push(now);
    this.starts.set(key, list);
    return true;
  }

  /** Seconds until `key` admits again (for Retry-After), at least 1. */
  retryAfterSeconds(key: string, windowMs: number): number {
    const oldest = this.starts.get(key)?.[0] ?? this.now();
    return Math.max(1, Math.ceil((oldest + windowMs - this.now()) / 1000));
  }
}

/** Opaque page tokens, as the providers hand them out: the client never reads them. */
export const pageToken = {
  encode: (v: Record<string, number | string>) => Buffer.from(JSON.stringify(v)).toString('base64url'),
  decode(s: string | null): Record<string, unknown> | undefined {
    if (!s) return undefined;
    try {
      const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  },
};

/** A small deterministic generator, so every sandbox start shows the same directory. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const firstNames = ['Анна', 'Иван', 'Мария', 'Пётр', 'Ольга', 'Сергей', 'Елена', 'Дмитрий', 'Наталья', 'Алексей', 'Юлия', 'Михаил'];
export const lastNames = ['Иванова', 'Петров', 'Смирнова', 'Кузнецов', 'Попова', 'Соколов', 'Лебедева', 'Козлов', 'Новикова', 'Морозов'];
