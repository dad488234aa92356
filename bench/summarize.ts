import type { Scenario } from './scenarios.js';
import { drift, median, ratio, spread } from './stats.js';
import {
  GATEWAY_TARGETS,
  TARGETS,
  type GatewayTarget,
  type Percentiles,
  type RssSeries,
  type RunRecord,
  type Spread,
  type TargetName,
} from './types.js';

type PercentileSpreads = { p50: Spread; p90: Spread; p99: Spread };

export interface TargetSummary {
  runs: number;
  rps: Spread;
  latencyMs: PercentileSpreads;
  /** Summed over every run: the 0-errors goal means none in any. */
  errors: number;
  timeouts: number;
  ok: number;
  cacheHits: number;
  ttftMs?: PercentileSpreads;
  gapMs?: PercentileSpreads;
  /** The worst open-loop schedule lag p99 over the runs (the generator falling behind). */
  lagP99Ms?: number;
  /** Median CPU µs per request of each process. */
  cpuUsPerRequest: Record<string, number>;
}

/** One Switchyard layout set against the upstream alone and the pass-through proxy. */
export interface GatewayComparison {
  /** The layout's median percentile minus the other target's (ms). */
  addedMs: { vsDirect: Percentiles; vsBaseline: Percentiles };
  /** Streams only. */
  addedTtftMs?: { vsDirect: Percentiles; vsBaseline: Percentiles };
  /** The layout's median requests/s over the other target's. */
  rpsRatio: { vsDirect: number; vsBaseline: number };
}

export interface ScenarioSummary {
  scenario: Scenario;
  targets: Partial<Record<TargetName, TargetSummary>>;
  /** Each Switchyard layout measured in this scenario, compared with direct and baseline. */
  gateways: Partial<Record<GatewayTarget, GatewayComparison>>;
  notes: string[];
}

export interface RssSummary {
  process: string;
  startMiB: number;
  endMiB: number;
  maxMiB: number;
  /** Relative change, last fifth over first fifth of the samples. */
  drift: number;
}

const finite = (values: number[]) => values.filter(Number.isFinite);

function percentileSpreads(runs: (Percentiles | undefined)[]): PercentileSpreads {
  const of = (p: keyof Percentiles) => spread(finite(runs.map((r) => r?.[p] ?? NaN)));
  return { p50: of('p50'), p90: of('p90'), p99: of('p99') };
}

export function summarizeTarget(records: readonly RunRecord[]): TargetSummary {
  const loads = records.map((r) => r.load);
  const sum = (pick: (l: (typeof loads)[number]) => number) => loads.reduce((s, l) => s + pick(l), 0);
  const processes = new Set(records.flatMap((r) => Object.keys(r.cpuUsPerRequest)));
  const cpuUsPerRequest: Record<string, number> = {};
  for (const name of processes)
    cpuUsPerRequest[name] = median(finite(records.map((r) => r.cpuUsPerRequest[name] ?? NaN)));
  const summary: TargetSummary = {
    runs: records.length,
    rps: spread(finite(loads.map((l) => l.rps))),
    latencyMs: percentileSpreads(loads.map((l) => l.latencyMs)),
    errors: sum((l) => l.errors),
    timeouts: sum((l) => l.timeouts),
    ok: sum((l) => l.ok),
    cacheHits: sum((l) => l.cacheHits ?? 0),
    cpuUsPerRequest,
  };
  if (loads.some((l) => l.ttftMs)) {
    summary.ttftMs = percentileSpreads(loads.map((l) => l.ttftMs));
    summary.gapMs = percentileSpreads(loads.map((l) => l.gapMs));
  }
  const lags = finite(loads.map((l) => l.lagMs?.p99 ?? NaN));
  if (lags.length > 0) summary.lagP99Ms = Math.max(...lags);
  return summary;
}

function added(a: PercentileSpreads | undefined, b: PercentileSpreads | undefined): Percentiles {
  const diff = (p: keyof PercentileSpreads) => (a && b ? a[p].median - b[p].median : NaN);
  return { p50: diff('p50'), p90: diff('p90'), p99: diff('p99'), max: NaN };
}

function compareGateway(
  gateway: TargetSummary,
  direct: TargetSummary | undefined,
  baseline: TargetSummary | undefined,
): GatewayComparison {
  const rps = (t: TargetSummary | undefined) => t?.rps.median ?? NaN;
  const comparison: GatewayComparison = {
    addedMs: {
      vsDirect: added(gateway.latencyMs, direct?.latencyMs),
      vsBaseline: added(gateway.latencyMs, baseline?.latencyMs),
    },
    rpsRatio: {
      vsDirect: ratio(rps(gateway), rps(direct)),
      vsBaseline: ratio(rps(gateway), rps(baseline)),
    },
  };
  if (gateway.ttftMs)
    comparison.addedTtftMs = {
      vsDirect: added(gateway.ttftMs, direct?.ttftMs),
      vsBaseline: added(gateway.ttftMs, baseline?.ttftMs),
    };
  return comparison;
}

export function summarizeScenario(scenario: Scenario, records: readonly RunRecord[]): ScenarioSummary {
  const targets: ScenarioSummary['targets'] = {};
  for (const target of TARGETS) {
    const mine = records.filter((r) => r.scenario === scenario.id && r.target === target);
    if (mine.length > 0) targets[target] = summarizeTarget(mine);
  }
  const gateways: ScenarioSummary['gateways'] = {};
  const notes: string[] = [];
  for (const layout of GATEWAY_TARGETS) {
    const gateway = targets[layout];
    if (!gateway) continue;
    gateways[layout] = compareGateway(gateway, targets.direct, targets.baseline);
    if (scenario.request === 'cached' && gateway.cacheHits === 0)
      notes.push(`${layout} answered no request with x-switchyard-cache: HIT: its cache goal is skipped.`);
  }
  if (scenario.mode === 'autocannon')
    notes.push('autocannon reports latency in whole milliseconds; the other scenarios in µs.');
  for (const target of TARGETS) {
    const lag = targets[target]?.lagP99Ms;
    if (lag !== undefined && lag > 5)
      notes.push(
        `${target}: the generator fell behind its schedule (lag p99 ${lag.toFixed(1)} ms): the machine was short of CPU.`,
      );
  }
  return { scenario, targets, gateways, notes };
}

/**
 * RSS from `settleS` seconds into the soak on: the heaps the scenarios before it grew are still
 * being given back at its start, which is not what the soak is looking for.
 */
export function summarizeRss(series: readonly RssSeries[], settleS = 0): RssSummary[] {
  return series.map(({ process, samples }) => {
    const values = finite(samples.filter(([t]) => t >= settleS).map(([, mib]) => mib));
    return {
      process,
      startMiB: values[0] ?? NaN,
      endMiB: values.at(-1) ?? NaN,
      maxMiB: values.length > 0 ? Math.max(...values) : NaN,
      drift: drift(values),
    };
  });
}
