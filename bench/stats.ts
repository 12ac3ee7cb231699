/** Median and spread of repeated measurements: the numbers every bench figure reports. */
export interface Stats {
  n: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
}

export function stats(samples: readonly number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))] ?? NaN;
  return { n: s.length, p50: at(0.5), p95: at(0.95), min: s[0] ?? NaN, max: s.at(-1) ?? NaN };
}

export function fmt(ms: number, digits = 3): string {
  return Number.isFinite(ms) ? ms.toFixed(digits) : '—';
}
