import { describe, expect, it } from 'vitest';
import { drift, median, medianPercentiles, percentile, ratio, spread } from '../../bench/stats.js';
import { pct } from './fixtures.js';

describe('bench statistics', () => {
  it('takes the median of odd and even counts, NaN of none', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('gives a median with its min and max', () => {
    expect(spread([5, 1, 9])).toEqual({ median: 5, min: 1, max: 9 });
    expect(spread([]).median).toBeNaN();
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 1)).toBe(7);
  });

  it('gives NaN for a ratio over zero or over nothing measured', () => {
    expect(ratio(3000, 9000)).toBeCloseTo(1 / 3);
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(NaN, 2)).toBeNaN();
  });

  it('takes the median of each percentile over runs', () => {
    expect(medianPercentiles([pct(1, 2, 3), pct(2, 4, 6), pct(3, 6, 9)])).toEqual({
      p50: 2,
      p90: 4,
      p99: 6,
      max: 12,
    });
  });

  it('measures drift as the last fifth over the first fifth', () => {
    expect(drift([100, 100, 100, 100, 100, 110, 110, 110, 110, 110])).toBeCloseTo(0.1);
    expect(drift([100, 100, 100, 100, 100])).toBe(0);
    expect(drift([100])).toBeNaN();
  });
});
