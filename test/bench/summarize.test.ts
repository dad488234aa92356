import { describe, expect, it } from 'vitest';
import { evaluateGoals } from '../../bench/goals.js';
import { SCENARIOS } from '../../bench/scenarios.js';
import { summarizeRss, summarizeScenario } from '../../bench/summarize.js';
import { pct, record } from './fixtures.js';

const scenario = (id: string) => SCENARIOS.find((s) => s.id === id)!;

describe('scenario summaries', () => {
  it('adds Switchyard latency over direct and baseline at each percentile, from medians of runs', () => {
    const records = [1, 2, 3].flatMap((rep) => [
      record('open-500', 'direct', rep, { latencyMs: pct(0.2 + rep / 100, 0.4, 1) }),
      record('open-500', 'baseline', rep, { latencyMs: pct(0.4, 0.6, 1.5) }),
      record('open-500', 'switchyard', rep, { latencyMs: pct(0.5 + rep / 10, 0.9, 2.5), errors: 1 }),
    ]);
    const s = summarizeScenario(scenario('open-500'), records);
    expect(s.targets.switchyard!.latencyMs.p50).toEqual({ median: 0.7, min: 0.6, max: 0.8 });
    expect(s.addedMs.vsDirect.p50).toBeCloseTo(0.7 - 0.22);
    expect(s.addedMs.vsBaseline.p99).toBeCloseTo(1);
    expect(s.targets.switchyard!.errors).toBe(3);
  });

  it('takes throughput ratios against direct and baseline', () => {
    const s = summarizeScenario(scenario('throughput-64'), [
      record('throughput-64', 'direct', 1, { rps: 20_000 }),
      record('throughput-64', 'baseline', 1, { rps: 9000 }),
      record('throughput-64', 'switchyard', 1, { rps: 3000 }),
    ]);
    expect(s.rpsRatio.vsDirect).toBeCloseTo(0.15);
    expect(s.rpsRatio.vsBaseline).toBeCloseTo(1 / 3);
    const goals = evaluateGoals([s], undefined);
    expect(goals.find((g) => g.name === 'Throughput at 64 connections')!.status).toBe('pass');
    expect(goals.find((g) => g.name === 'Throughput vs baseline proxy')!.status).toBe('pass');
    expect(goals.find((g) => g.name === 'RSS flat over the soak')!.status).toBe('skip');
  });

  it('skips the cache goal, with a note, when no answer was a cache hit', () => {
    const s = summarizeScenario(scenario('cache-500'), [
      record('cache-500', 'switchyard', 1, { cacheHits: 0 }),
    ]);
    expect(s.notes.join()).toMatch(/no request with x-switchyard-cache: HIT/);
    expect(evaluateGoals([s], undefined).find((g) => g.name.startsWith('Cache'))!.status).toBe('skip');
  });

  it('fails the 2,000 req/s goal on any timeout', () => {
    const s = summarizeScenario(scenario('open-2000'), [
      record('open-2000', 'direct', 1),
      record('open-2000', 'switchyard', 1, { timeouts: 2 }),
    ]);
    expect(evaluateGoals([s], undefined).find((g) => g.name === '2,000 req/s errors')!.status).toBe('fail');
  });

  it('judges RSS by its worst process', () => {
    const flat = {
      process: 'router',
      samples: Array.from({ length: 10 }, (_, i) => [i, 100] as [number, number]),
    };
    const growing = {
      process: 'ingress',
      samples: Array.from({ length: 10 }, (_, i) => [i, 100 + i * 5] as [number, number]),
    };
    const rss = summarizeRss([flat, growing]);
    expect(rss[0]!.drift).toBe(0);
    const goal = evaluateGoals([], rss).find((g) => g.name === 'RSS flat over the soak')!;
    expect(goal).toMatchObject({ status: 'fail', note: 'largest change: ingress' });
  });

  it('leaves the settling start of the soak out of the RSS change', () => {
    const shrinking = {
      process: 'cache',
      samples: [
        [0, 180],
        [1, 120],
        [2, 120],
        [3, 120],
        [4, 120],
        [5, 120],
      ] as [number, number][],
    };
    expect(summarizeRss([shrinking])[0]!.drift).toBeLessThan(-0.1);
    expect(summarizeRss([shrinking], 1)[0]).toMatchObject({ startMiB: 120, drift: 0 });
  });
});
