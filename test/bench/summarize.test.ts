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
    expect(s.gateways.switchyard!.addedMs.vsDirect.p50).toBeCloseTo(0.7 - 0.22);
    expect(s.gateways.switchyard!.addedMs.vsBaseline.p99).toBeCloseTo(1);
    expect(s.targets.switchyard!.errors).toBe(3);
  });

  it('compares each Switchyard layout measured with direct and baseline from its own runs', () => {
    const s = summarizeScenario(scenario('stream-16'), [
      record('stream-16', 'direct', 1, { latencyMs: pct(0.2, 0.4, 1), ttftMs: pct(0.1, 0.2, 0.5) }),
      record('stream-16', 'baseline', 1, { latencyMs: pct(0.4, 0.6, 1.5), ttftMs: pct(0.2, 0.3, 0.6) }),
      record('stream-16', 'switchyard', 1, { latencyMs: pct(1.2, 2, 4), ttftMs: pct(1.1, 2, 3) }),
      record('stream-16', 'single', 1, { latencyMs: pct(0.5, 0.8, 2), ttftMs: pct(0.4, 0.6, 1) }),
    ]);
    expect(Object.keys(s.gateways)).toEqual(['switchyard', 'single']);
    expect(s.gateways.switchyard!.addedMs.vsDirect.p50).toBeCloseTo(1);
    expect(s.gateways.single!.addedMs.vsDirect.p50).toBeCloseTo(0.3);
    expect(s.gateways.single!.addedMs.vsBaseline.p99).toBeCloseTo(0.5);
    expect(s.gateways.switchyard!.addedTtftMs!.vsDirect.p50).toBeCloseTo(1);
    expect(s.gateways.single!.addedTtftMs!.vsBaseline.p50).toBeCloseTo(0.2);
  });

  it('takes throughput ratios against direct and baseline', () => {
    const s = summarizeScenario(scenario('throughput-64'), [
      record('throughput-64', 'direct', 1, { rps: 20_000 }),
      record('throughput-64', 'baseline', 1, { rps: 9000 }),
      record('throughput-64', 'switchyard', 1, { rps: 3000 }),
    ]);
    expect(s.gateways.switchyard!.rpsRatio.vsDirect).toBeCloseTo(0.15);
    expect(s.gateways.switchyard!.rpsRatio.vsBaseline).toBeCloseTo(1 / 3);
    const goals = evaluateGoals([s], undefined, 'switchyard');
    expect(goals.find((g) => g.name === 'Throughput at 64 connections')!.results).toEqual({
      switchyard: { value: '3,000 req/s', status: 'pass' },
    });
    expect(goals.find((g) => g.name === 'Throughput vs baseline proxy')!.results.switchyard!.status).toBe(
      'pass',
    );
    expect(goals.find((g) => g.name === 'RSS flat over the soak')!.results.switchyard).toMatchObject({
      status: 'skip',
      note: 'soak skipped (BENCH_SOAK_S=0)',
    });
  });

  it('judges the throughput goals of each layout on its own requests/s', () => {
    const s = summarizeScenario(scenario('throughput-64'), [
      record('throughput-64', 'direct', 1, { rps: 20_000 }),
      record('throughput-64', 'baseline', 1, { rps: 9000 }),
      record('throughput-64', 'switchyard', 1, { rps: 2000 }),
      record('throughput-64', 'single', 1, { rps: 4500 }),
    ]);
    expect(s.gateways.single!.rpsRatio.vsBaseline).toBeCloseTo(0.5);
    const goals = evaluateGoals([s], undefined, 'switchyard');
    const status = (name: string) => {
      const { results } = goals.find((g) => g.name === name)!;
      return { switchyard: results.switchyard?.status, single: results.single?.status };
    };
    expect(status('Throughput at 64 connections')).toEqual({ switchyard: 'fail', single: 'pass' });
    expect(status('Throughput vs baseline proxy')).toEqual({ switchyard: 'fail', single: 'pass' });
    expect(goals[0]!.results).not.toHaveProperty('colocated');
  });

  it('skips the cache goal, with a note, for a layout that answered no cache hit', () => {
    const s = summarizeScenario(scenario('cache-500'), [
      record('cache-500', 'switchyard', 1, { cacheHits: 900, latencyMs: pct(0.3, 0.4, 0.6) }),
      record('cache-500', 'single', 1, { cacheHits: 0 }),
    ]);
    expect(s.notes).toEqual([
      'single answered no request with x-switchyard-cache: HIT: its cache goal is skipped.',
    ]);
    const cache = evaluateGoals([s], undefined, 'switchyard').find((g) => g.name.startsWith('Cache'))!;
    expect(cache.results.switchyard).toEqual({
      value: '0.30 ms',
      status: 'pass',
      note: '90.0% of answers were hits',
    });
    expect(cache.results.single).toMatchObject({ status: 'skip', note: 'no cache HIT answers' });
  });

  it('fails the 2,000 req/s goal on any timeout', () => {
    const s = summarizeScenario(scenario('open-2000'), [
      record('open-2000', 'direct', 1),
      record('open-2000', 'switchyard', 1, { timeouts: 2 }),
    ]);
    const goal = evaluateGoals([s], undefined, 'switchyard').find((g) => g.name === '2,000 req/s errors')!;
    expect(goal.results.switchyard!.status).toBe('fail');
  });

  it('judges RSS by the worst process of the layout the soak went through, and only for that layout', () => {
    const series = (process: string, growth: number) => ({
      process,
      samples: Array.from({ length: 10 }, (_, i) => [i, 100 + i * growth] as [number, number]),
    });
    const rss = summarizeRss([
      series('router', 0),
      series('ingress', 5),
      series('single', 0),
      series('nats', 0),
    ]);
    expect(rss[0]!.drift).toBe(0);
    // Which processes belong to a layout: those charged CPU in its runs.
    const s = summarizeScenario(scenario('open-500'), [
      {
        ...record('open-500', 'switchyard', 1),
        cpuUsPerRequest: { ingress: 80, router: 40, nats: 20, loadgen: 30 },
      },
      { ...record('open-500', 'single', 1), cpuUsPerRequest: { single: 90, 'nats-single': 20, loadgen: 30 } },
    ]);
    const rssGoal = (soakTarget: 'switchyard' | 'single') =>
      evaluateGoals([s], rss, soakTarget).find((g) => g.name === 'RSS flat over the soak')!.results;
    expect(rssGoal('switchyard')).toEqual({
      switchyard: { value: '39.0%', status: 'fail', note: 'largest change: ingress' },
    });
    expect(rssGoal('single')).toEqual({
      single: { value: '0.0%', status: 'pass', note: 'largest change: single' },
    });
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
