/**
 * Where a scenario's load goes: the upstream itself, the pass-through proxy, the gateway with every
 * service in its own process, the gateway with ingress, policy, cache and router in one process
 * (`colocated`), with every service in one process (`single`), or with every service but telemetry
 * in one process and telemetry in another (`duo`); the last three with local dispatch on, and run
 * only when `BENCH_TARGETS` names them.
 */
export type TargetName = 'direct' | 'baseline' | 'switchyard' | 'colocated' | 'single' | 'duo';
export const TARGETS: readonly TargetName[] = [
  'direct',
  'baseline',
  'switchyard',
  'colocated',
  'single',
  'duo',
];
export const DEFAULT_TARGETS: readonly TargetName[] = ['direct', 'baseline', 'switchyard'];

/** The Switchyard layouts among the targets: each is compared with direct and baseline, and judged. */
export type GatewayTarget = Extract<TargetName, 'switchyard' | 'colocated' | 'single' | 'duo'>;
export const GATEWAY_TARGETS: readonly GatewayTarget[] = ['switchyard', 'colocated', 'single', 'duo'];

export function isGateway(target: TargetName): target is GatewayTarget {
  return (GATEWAY_TARGETS as readonly TargetName[]).includes(target);
}

/** Latency percentiles in milliseconds. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** What one load generator run reports on its stdout (one JSON line). */
export interface LoadResult {
  /** Answers with a 2xx status (complete streams for the stream client). */
  ok: number;
  /** Non-2xx answers and failed connections, timeouts excluded. */
  errors: number;
  timeouts: number;
  durationS: number;
  /** `ok` per second. */
  rps: number;
  latencyMs: Percentiles;
  /** Streams only: request sent → first content chunk, and the gap between chunks read. */
  ttftMs?: Percentiles;
  gapMs?: Percentiles;
  /** Answers that said `x-switchyard-cache: HIT`. */
  cacheHits?: number;
  /** Open loop only: how late requests left against their schedule (the generator keeping pace). */
  lagMs?: Percentiles;
  /** CPU time the generator itself used, µs. */
  cpuUs: number;
}

/** One measured run of one scenario against one target. */
export interface RunRecord {
  scenario: string;
  target: TargetName;
  rep: number;
  load: LoadResult;
  /** CPU µs per completed request, per process (the load generator included). */
  cpuUsPerRequest: Record<string, number>;
}

/** A median with the spread it was taken from. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** Memory of one process over the soak. */
export interface RssSeries {
  process: string;
  /** [seconds since the soak began, RSS in MiB]. */
  samples: [number, number][];
}
