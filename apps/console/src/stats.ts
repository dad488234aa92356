import type { RequestRecord, UsageRow } from './types.js';

/** The nearest-rank percentile (`p` in 0..100) of some values; undefined when there are none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** What a set of requests adds up to. */
export interface Totals {
  requests: number;
  errors: number;
  p50: number | undefined;
  p95: number | undefined;
  tokens: number;
  cost: number;
}

export function totalsOf(records: readonly RequestRecord[]): Totals {
  const durations = records.map((r) => r.duration_ms);
  return {
    requests: records.length,
    errors: records.filter((r) => r.status >= 400).length,
    p50: percentile(durations, 50),
    p95: percentile(durations, 95),
    tokens: records.reduce((n, r) => n + (r.usage?.total_tokens ?? 0), 0),
    cost: records.reduce((n, r) => n + (r.cost_usd ?? 0), 0),
  };
}

export const MINUTE_MS = 60_000;

/** Totals per minute from `from` to `to`, empty minutes included, so a chart's x axis is time. */
export function perMinute(
  records: readonly RequestRecord[],
  from: number,
  to: number,
): { at: number; totals: Totals }[] {
  const start = Math.floor(from / MINUTE_MS) * MINUTE_MS;
  const buckets = new Map<number, RequestRecord[]>();
  for (let at = start; at <= to; at += MINUTE_MS) buckets.set(at, []);
  for (const r of records) buckets.get(Math.floor(r.received_at / MINUTE_MS) * MINUTE_MS)?.push(r);
  return [...buckets].map(([at, rs]) => ({ at, totals: totalsOf(rs) }));
}

/** Totals per group (alias, provider), busiest first; requests without the field are `(none)`. */
export function perGroup(
  records: readonly RequestRecord[],
  groupOf: (r: RequestRecord) => string | undefined,
): { group: string; totals: Totals }[] {
  const groups = new Map<string, RequestRecord[]>();
  for (const r of records) {
    const g = groupOf(r) ?? '(none)';
    groups.set(g, [...(groups.get(g) ?? []), r]);
  }
  return [...groups]
    .map(([group, rs]) => ({ group, totals: totalsOf(rs) }))
    .sort((a, b) => b.totals.requests - a.totals.requests || a.group.localeCompare(b.group));
}

/** Usage roll-ups summed: cache hit rate is hits over all requests. */
export function usageTotals(rows: readonly UsageRow[]) {
  const sum = (f: (r: UsageRow) => number) => rows.reduce((n, r) => n + f(r), 0);
  const requests = sum((r) => r.requests);
  const cacheHits = sum((r) => r.cache_hits);
  return {
    requests,
    cacheHits,
    hitRate: requests === 0 ? 0 : cacheHits / requests,
    savedUsd: sum((r) => r.saved_usd),
    costUsd: sum((r) => r.cost_usd),
  };
}

/** One field of usage rows summed per value of another (day, alias), in key order. */
export function sumBy(
  rows: readonly UsageRow[],
  keyOf: (r: UsageRow) => string,
  valueOf: (r: UsageRow) => number,
): { label: string; value: number }[] {
  const sums = new Map<string, number>();
  for (const r of rows) sums.set(keyOf(r), (sums.get(keyOf(r)) ?? 0) + valueOf(r));
  return [...sums].sort(([a], [b]) => a.localeCompare(b)).map(([label, value]) => ({ label, value }));
}
