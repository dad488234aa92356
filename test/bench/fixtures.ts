import type { LoadResult, Percentiles, RunRecord, TargetName } from '../../bench/types.js';

export const pct = (p50: number, p90: number, p99: number): Percentiles => ({ p50, p90, p99, max: p99 * 2 });

export function load(over: Partial<LoadResult> = {}): LoadResult {
  return {
    ok: 1000,
    errors: 0,
    timeouts: 0,
    durationS: 10,
    rps: 100,
    latencyMs: pct(1, 2, 3),
    cpuUs: 1000,
    ...over,
  };
}

export function record(
  scenario: string,
  target: TargetName,
  rep: number,
  over: Partial<LoadResult> = {},
): RunRecord {
  return { scenario, target, rep, load: load(over), cpuUsPerRequest: { upstream: 50, loadgen: 30 } };
}
