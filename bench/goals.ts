import type { GatewayComparison, RssSummary, ScenarioSummary, TargetSummary } from './summarize.js';
import { GATEWAY_TARGETS, type GatewayTarget } from './types.js';

/** One layout's measure against a goal. */
export interface GoalResult {
  value: string;
  status: 'pass' | 'fail' | 'skip';
  note?: string;
}

/** One of the targets, judged on this run for each Switchyard layout it applies to. */
export interface Goal {
  name: string;
  /** The target as the issue states it. */
  goal: string;
  /** Every layout measured, except for the RSS goal: only the layout the soak went through. */
  results: Partial<Record<GatewayTarget, GoalResult>>;
}

/** What a goal looks at in one scenario: the layout's own summary and its comparison with the others. */
interface Measured {
  target: TargetSummary | undefined;
  comparison: GatewayComparison | undefined;
}

/** A goal judged in one scenario, the same way for every layout. */
interface ScenarioGoal {
  scenario: string;
  name: string;
  goal: string;
  judge: (m: Measured) => GoalResult;
}

const ms = (v: number) => `${v.toFixed(2)} ms`;
const count = (v: number) => Math.round(v).toLocaleString('en-US');

function judge(value: number, ok: (v: number) => boolean, show: (v: number) => string): GoalResult {
  if (!Number.isFinite(value)) return { value: 'n/a', status: 'skip', note: 'not measured' };
  return { value: show(value), status: ok(value) ? 'pass' : 'fail' };
}

function cacheHitP50({ target }: Measured): GoalResult {
  if (!target || target.cacheHits === 0)
    return { value: 'n/a', status: 'skip', note: 'no cache HIT answers' };
  const hitShare = target.cacheHits / Math.max(1, target.ok);
  return {
    ...judge(target.latencyMs.p50.median, (v) => v <= 0.5, ms),
    note: `${(hitShare * 100).toFixed(1)}% of answers were hits`,
  };
}

const SCENARIO_GOALS: readonly ScenarioGoal[] = [
  {
    scenario: 'throughput-64',
    name: 'Throughput at 64 connections',
    goal: '≥ 3,000 req/s',
    judge: ({ target }) =>
      judge(
        target?.rps.median ?? NaN,
        (v) => v >= 3000,
        (v) => `${count(v)} req/s`,
      ),
  },
  {
    scenario: 'throughput-64',
    name: 'Throughput vs baseline proxy',
    goal: '≥ 1/3 of baseline',
    judge: ({ comparison }) =>
      judge(
        comparison?.rpsRatio.vsBaseline ?? NaN,
        (v) => v >= 1 / 3,
        (v) => `${v.toFixed(2)}×`,
      ),
  },
  {
    scenario: 'open-2000',
    name: '2,000 req/s errors',
    goal: '0 errors',
    judge: ({ target }) =>
      judge(
        target ? target.errors + target.timeouts : NaN,
        (v) => v === 0,
        (v) => `${v} errors + timeouts`,
      ),
  },
  {
    scenario: 'open-2000',
    name: '2,000 req/s added p99',
    goal: '≤ 5 ms over direct',
    judge: ({ comparison }) => judge(comparison?.addedMs.vsDirect.p99 ?? NaN, (v) => v <= 5, ms),
  },
  {
    scenario: 'open-500',
    name: '500 req/s added p50',
    goal: '≤ 0.5 ms over direct',
    judge: ({ comparison }) => judge(comparison?.addedMs.vsDirect.p50 ?? NaN, (v) => v <= 0.5, ms),
  },
  {
    scenario: 'open-500',
    name: '500 req/s added p99',
    goal: '≤ 3 ms over direct',
    judge: ({ comparison }) => judge(comparison?.addedMs.vsDirect.p99 ?? NaN, (v) => v <= 3, ms),
  },
  {
    scenario: 'sequential',
    name: 'Concurrency 1 added p50',
    goal: '≤ 0.4 ms over direct',
    judge: ({ comparison }) => judge(comparison?.addedMs.vsDirect.p50 ?? NaN, (v) => v <= 0.4, ms),
  },
  {
    scenario: 'stream-16',
    name: 'Streams at 16 connections',
    goal: '≥ 1,500 streams/s',
    judge: ({ target }) =>
      judge(
        target?.rps.median ?? NaN,
        (v) => v >= 1500,
        (v) => `${count(v)} streams/s`,
      ),
  },
  {
    scenario: 'stream-16',
    name: 'Streaming added TTFT p50',
    goal: '≤ 1 ms over direct',
    judge: ({ comparison }) => judge(comparison?.addedTtftMs?.vsDirect.p50 ?? NaN, (v) => v <= 1, ms),
  },
  { scenario: 'cache-500', name: 'Cache hit p50 at 500 req/s', goal: 'p50 ≤ 0.5 ms', judge: cacheHitP50 },
];

/**
 * The processes the soak's requests went through: those charged CPU in that layout's runs (its
 * services, its NATS, Redis, the upstream), so another layout's idle processes do not decide it.
 */
function processesOf(scenarios: readonly ScenarioSummary[], layout: GatewayTarget): Set<string> {
  return new Set(
    scenarios
      .flatMap((s) => Object.keys(s.targets[layout]?.cpuUsPerRequest ?? {}))
      .filter((name) => name !== 'loadgen'),
  );
}

/** The worst RSS change of the soaked layout's processes. */
function rssFlat(
  scenarios: readonly ScenarioSummary[],
  rss: readonly RssSummary[] | undefined,
  soakTarget: GatewayTarget,
): GoalResult {
  if (!rss || rss.length === 0)
    return { value: 'n/a', status: 'skip', note: 'soak skipped (BENCH_SOAK_S=0)' };
  const processes = processesOf(scenarios, soakTarget);
  const soaked = rss.filter((r) => processes.has(r.process));
  if (soaked.length === 0)
    return { value: 'n/a', status: 'skip', note: `no process of ${soakTarget} sampled` };
  const worst = soaked.reduce((a, b) =>
    Math.abs(b.drift) > Math.abs(a.drift) || !Number.isFinite(a.drift) ? b : a,
  );
  return {
    ...judge(
      worst.drift,
      (v) => Math.abs(v) <= 0.1,
      (v) => `${(v * 100).toFixed(1)}%`,
    ),
    note: `largest change: ${worst.process}`,
  };
}

/** Each goal for every Switchyard layout measured; the RSS goal for the one the soak went through. */
export function evaluateGoals(
  scenarios: readonly ScenarioSummary[],
  rss: readonly RssSummary[] | undefined,
  soakTarget: GatewayTarget,
): Goal[] {
  const layouts = GATEWAY_TARGETS.filter((l) => scenarios.some((s) => s.targets[l] !== undefined));
  const goals: Goal[] = [];
  for (const { scenario, name, goal, judge: judgeLayout } of SCENARIO_GOALS) {
    const summary = scenarios.find((s) => s.scenario.id === scenario);
    if (!summary) continue;
    const results: Goal['results'] = {};
    for (const layout of layouts)
      results[layout] = judgeLayout({
        target: summary.targets[layout],
        comparison: summary.gateways[layout],
      });
    goals.push({ name, goal, results });
  }
  goals.push({
    name: 'RSS flat over the soak',
    goal: '± 10% for every process',
    results: { [soakTarget]: rssFlat(scenarios, rss, soakTarget) },
  });
  return goals;
}
