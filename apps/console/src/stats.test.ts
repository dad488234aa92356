import { describe, expect, it } from 'vitest';
import { perGroup, perMinute, percentile, sumBy, usageTotals } from './stats.js';
import type { RequestRecord, UsageRow } from './types.js';

const record = (over: Partial<RequestRecord>): RequestRecord => ({
  request_id: 'r',
  op: 'chat.completions',
  stream: false,
  status: 200,
  received_at: 0,
  duration_ms: 100,
  ...over,
});

describe('console statistics', () => {
  it('takes nearest-rank percentiles, so p95 of few requests is a latency someone waited', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(percentile([300, 100, 200], 50)).toBe(200);
    expect(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 1000], 95)).toBe(1000);
  });

  it('buckets requests per minute with empty minutes kept, and counts errors, tokens and cost', () => {
    const minutes = perMinute(
      [
        record({ received_at: 60_500, status: 500, duration_ms: 40 }),
        record({
          received_at: 61_000,
          cost_usd: 0.25,
          usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
        }),
        record({ received_at: 185_000 }),
      ],
      60_000,
      200_000,
    );
    expect(minutes.map((m) => [m.at, m.totals.requests])).toEqual([
      [60_000, 2],
      [120_000, 0],
      [180_000, 1],
    ]);
    expect(minutes[0]!.totals).toMatchObject({ errors: 1, tokens: 7, cost: 0.25, p50: 40, p95: 100 });
  });

  it('groups by alias, busiest first, and sums usage rows into hit rate and savings', () => {
    const groups = perGroup(
      [record({ model: 'b' }), record({ model: 'a' }), record({ model: 'b' }), record({})],
      (r) => r.model,
    );
    expect(groups.map((g) => [g.group, g.totals.requests])).toEqual([
      ['b', 2],
      ['(none)', 1],
      ['a', 1],
    ]);
    const row = (
      day: string,
      model: string,
      requests: number,
      cache_hits: number,
      saved_usd: number,
    ): UsageRow => ({
      day,
      model,
      requests,
      errors: 0,
      prompt_tokens: 0,
      completion_tokens: 0,
      cached_tokens: 0,
      cost_usd: 1,
      cache_hits,
      saved_usd,
    });
    const rows = [row('2026-01-02', 'a', 3, 1, 0.5), row('2026-01-01', 'b', 1, 0, 0)];
    expect(usageTotals(rows)).toEqual({
      requests: 4,
      cacheHits: 1,
      hitRate: 0.25,
      savedUsd: 0.5,
      costUsd: 2,
    });
    expect(
      sumBy(
        rows,
        (r) => r.day,
        (r) => r.requests,
      ),
    ).toEqual([
      { label: '2026-01-01', value: 1 },
      { label: '2026-01-02', value: 3 },
    ]);
  });
});
