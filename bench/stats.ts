import type { Percentiles, Spread } from './types.js';

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN };
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** The nearest-rank percentile of raw samples (used where no histogram is kept, e.g. RSS). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** a / b, NaN when b is 0 or either side is unknown. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN;
}

/** Median of each percentile over several runs. */
export function medianPercentiles(runs: readonly Percentiles[]): Percentiles {
  return {
    p50: median(runs.map((r) => r.p50)),
    p90: median(runs.map((r) => r.p90)),
    p99: median(runs.map((r) => r.p99)),
    max: median(runs.map((r) => r.max)),
  };
}

/**
 * How much a series drifted: the mean of its last fifth over the mean of its first fifth, minus 1.
 * Fifths rather than the first and last sample, so one garbage-collection spike does not decide it.
 */
export function drift(values: readonly number[]): number {
  if (values.length < 2) return NaN;
  const n = Math.max(1, Math.floor(values.length / 5));
  const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  return ratio(mean(values.slice(-n)), mean(values.slice(0, n))) - 1;
}
