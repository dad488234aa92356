import type { RssSummary, ScenarioSummary } from './summarize.js';

/** One of the targets, judged on this run. */
export interface Goal {
  name: string;
  /** The target as the issue states it. */
  goal: string;
  value: string;
  status: 'pass' | 'fail' | 'skip';
  note?: string;
}

const ms = (v: number) => `${v.toFixed(2)} ms`;

function judge(
  name: string,
  goal: string,
  value: number,
  ok: (v: number) => boolean,
  show: (v: number) => string,
): Goal {
  if (!Number.isFinite(value)) return { name, goal, value: 'n/a', status: 'skip', note: 'not measured' };
  return { name, goal, value: show(value), status: ok(value) ? 'pass' : 'fail' };
}

export function evaluateGoals(
  scenarios: readonly ScenarioSummary[],
  rss: readonly RssSummary[] | undefined,
): Goal[] {
  const byId = new Map(scenarios.map((s) => [s.scenario.id, s]));
  const goals: Goal[] = [];
  const throughput = byId.get('throughput-64');
  if (throughput) {
    const rps = throughput.targets.switchyard?.rps.median ?? NaN;
    goals.push(
      judge(
        'Throughput at 64 connections',
        '≥ 3,000 req/s',
        rps,
        (v) => v >= 3000,
        (v) => `${v.toFixed(0)} req/s`,
      ),
    );
    goals.push(
      judge(
        'Throughput vs baseline proxy',
        '≥ 1/3 of baseline',
        throughput.rpsRatio.vsBaseline,
        (v) => v >= 1 / 3,
        (v) => `${v.toFixed(2)}×`,
      ),
    );
  }
  const open2000 = byId.get('open-2000');
  if (open2000) {
    const sy = open2000.targets.switchyard;
    const failures = sy ? sy.errors + sy.timeouts : NaN;
    goals.push(
      judge(
        '2,000 req/s errors',
        '0 errors',
        failures,
        (v) => v === 0,
        (v) => `${v} errors + timeouts`,
      ),
    );
    goals.push(
      judge('2,000 req/s added p99', '≤ 5 ms over direct', open2000.addedMs.vsDirect.p99, (v) => v <= 5, ms),
    );
  }
  const open500 = byId.get('open-500');
  if (open500) {
    goals.push(
      judge('500 req/s added p50', '≤ 0.5 ms over direct', open500.addedMs.vsDirect.p50, (v) => v <= 0.5, ms),
    );
    goals.push(
      judge('500 req/s added p99', '≤ 3 ms over direct', open500.addedMs.vsDirect.p99, (v) => v <= 3, ms),
    );
  }
  const sequential = byId.get('sequential');
  if (sequential)
    goals.push(
      judge(
        'Concurrency 1 added p50',
        '≤ 0.4 ms over direct',
        sequential.addedMs.vsDirect.p50,
        (v) => v <= 0.4,
        ms,
      ),
    );
  const stream = byId.get('stream-16');
  if (stream) {
    const rps = stream.targets.switchyard?.rps.median ?? NaN;
    goals.push(
      judge(
        'Streams at 16 connections',
        '≥ 1,500 streams/s',
        rps,
        (v) => v >= 1500,
        (v) => `${v.toFixed(0)} streams/s`,
      ),
    );
    goals.push(
      judge(
        'Streaming added TTFT p50',
        '≤ 1 ms over direct',
        stream.addedTtftMs?.vsDirect.p50 ?? NaN,
        (v) => v <= 1,
        ms,
      ),
    );
  }
  const cache = byId.get('cache-500');
  if (cache) {
    const sy = cache.targets.switchyard;
    const goal = 'p50 ≤ 0.5 ms';
    if (!sy || sy.cacheHits === 0)
      goals.push({
        name: 'Cache hit p50 at 500 req/s',
        goal,
        value: 'n/a',
        status: 'skip',
        note: 'no cache HIT answers',
      });
    else {
      const hitShare = sy.cacheHits / Math.max(1, sy.ok);
      const g = judge('Cache hit p50 at 500 req/s', goal, sy.latencyMs.p50.median, (v) => v <= 0.5, ms);
      goals.push({ ...g, note: `${(hitShare * 100).toFixed(1)}% of answers were hits` });
    }
  }
  if (rss && rss.length > 0) {
    const worst = rss.reduce((a, b) =>
      Math.abs(b.drift) > Math.abs(a.drift) || !Number.isFinite(a.drift) ? b : a,
    );
    goals.push({
      ...judge(
        'RSS flat over the soak',
        '± 10% for every process',
        worst.drift,
        (v) => Math.abs(v) <= 0.1,
        (v) => `${(v * 100).toFixed(1)}%`,
      ),
      note: `largest change: ${worst.process}`,
    });
  } else
    goals.push({
      name: 'RSS flat over the soak',
      goal: '± 10% for every process',
      value: 'n/a',
      status: 'skip',
      note: 'soak skipped (BENCH_SOAK_S=0)',
    });
  return goals;
}
