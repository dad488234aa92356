import { describe, expect, it } from 'vitest';
import { createDeploymentStats } from '../deployment-stats.js';
import { STRATEGIES, type Candidate, type StrategyContext } from './index.js';

/** mulberry32: a small seeded generator, so statistical tests are repeatable. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const candidate = (deployment: string, extra: Partial<Candidate> = {}): Candidate => ({
  deployment,
  provider: deployment.split('/')[0]!,
  upstreamModel: deployment.split('/')[1] ?? deployment,
  weight: 1,
  priority: 0,
  ...extra,
});

const context = (extra: Partial<StrategyContext> = {}): StrategyContext => ({
  random: seeded(1),
  turn: 0,
  stream: false,
  inFlight: () => 0,
  latency: () => undefined,
  price: () => undefined,
  ...extra,
});

const a = candidate('openai/a');
const b = candidate('azure/b');
const c = candidate('groq/c');

describe('priority', () => {
  it('takes the lowest priority, the first listed among equals', () => {
    expect(STRATEGIES.priority([a, b, c], context())).toBe(a);
    const later = candidate('groq/later', { priority: -1 });
    expect(STRATEGIES.priority([a, b, later], context())).toBe(later);
  });
});

describe('weighted', () => {
  it('spreads picks in proportion to the weights, within statistical bounds', () => {
    const heavy = candidate('openai/heavy', { weight: 6 });
    const mid = candidate('azure/mid', { weight: 3 });
    const light = candidate('groq/light', { weight: 1 });
    const ctx = context({ random: seeded(42) });
    const counts = new Map<string, number>();
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const pick = STRATEGIES.weighted([heavy, mid, light], ctx).deployment;
      counts.set(pick, (counts.get(pick) ?? 0) + 1);
    }
    // Each share within 4 standard deviations of its expectation (binomial).
    for (const [d, p] of [
      [heavy.deployment, 0.6],
      [mid.deployment, 0.3],
      [light.deployment, 0.1],
    ] as const) {
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs((counts.get(d) ?? 0) - n * p)).toBeLessThan(4 * sd);
    }
  });

  it('never picks past the list at the top of the range', () => {
    expect(STRATEGIES.weighted([a, b], context({ random: () => 0.999_999_999_9 }))).toBe(b);
  });
});

describe('round-robin', () => {
  it('takes each in turn', () => {
    const picks = [0, 1, 2, 3, 4].map((turn) => STRATEGIES['round-robin']([a, b, c], context({ turn })));
    expect(picks).toEqual([a, b, c, a, b]);
  });
});

describe('least-busy', () => {
  it('takes the one with the fewest requests in flight', () => {
    const busy: Record<string, number> = { [a.deployment]: 3, [b.deployment]: 1, [c.deployment]: 2 };
    expect(STRATEGIES['least-busy']([a, b, c], context({ inFlight: (d) => busy[d] ?? 0 }))).toBe(b);
  });

  it('counts from attempt events, and forgets an attempt once its request completed', () => {
    const stats = createDeploymentStats();
    const ctx = context({ inFlight: stats.inFlight });
    stats.started({ requestId: 'r1', attempt: 1, deployment: a.deployment, at: 0, expiresAt: 1_000 });
    expect(STRATEGIES['least-busy']([a, b], ctx)).toBe(b);
    stats.started({ requestId: 'r2', attempt: 1, deployment: b.deployment, at: 0, expiresAt: 1_000 });
    stats.started({ requestId: 'r3', attempt: 1, deployment: b.deployment, at: 0, expiresAt: 1_000 });
    expect(STRATEGIES['least-busy']([a, b], ctx)).toBe(a);
    const done = { deployment: b.deployment, status: 200, receivedAt: 0, ttftMs: 5, durationMs: 10 };
    stats.completed({ requestId: 'r2', ...done });
    stats.completed({ requestId: 'r3', ...done });
    expect(STRATEGIES['least-busy']([a, b], ctx)).toBe(b);
  });
});

describe('least-latency', () => {
  it('tries an unmeasured deployment first, then prefers the faster one after completion events', () => {
    const stats = createDeploymentStats();
    const ctx = context({ latency: stats.latency });
    const completed = (requestId: string, deployment: string, durationMs: number) =>
      stats.completed({
        requestId,
        deployment,
        status: 200,
        receivedAt: 0,
        ttftMs: durationMs / 2,
        durationMs,
      });

    completed('r1', a.deployment, 900);
    expect(STRATEGIES['least-latency']([a, b], ctx)).toBe(b); // b not measured yet
    completed('r2', b.deployment, 300);
    expect(STRATEGIES['least-latency']([a, b], ctx)).toBe(b);
    // b slows down: its moving average climbs past a's within a few completions.
    for (let i = 0; i < 10; i++) completed(`r-slow-${i}`, b.deployment, 2_000);
    expect(STRATEGIES['least-latency']([a, b], ctx)).toBe(a);
  });

  it('weighs time to first token for a stream', () => {
    const latency = (d: string) =>
      d === a.deployment ? { ttftMs: 100, durationMs: 5_000 } : { ttftMs: 400, durationMs: 1_000 };
    expect(STRATEGIES['least-latency']([a, b], context({ latency, stream: true }))).toBe(a);
    expect(STRATEGIES['least-latency']([a, b], context({ latency, stream: false }))).toBe(b);
  });

  it('does not count the time failed attempts took against the deployment that answered', () => {
    const stats = createDeploymentStats();
    stats.started({ requestId: 'r', attempt: 2, deployment: b.deployment, at: 1_500, expiresAt: 9_000 });
    stats.completed({
      requestId: 'r',
      deployment: b.deployment,
      status: 200,
      receivedAt: 1_000,
      ttftMs: 600,
      durationMs: 800,
    });
    expect(stats.latency(b.deployment)).toEqual({ ttftMs: 100, durationMs: 300 });
  });
});

describe('lowest-cost', () => {
  it('takes the cheapest list price, unknown prices last', () => {
    const prices: Record<string, { input: number; output: number }> = {
      [a.deployment]: { input: 2.5, output: 10 },
      [b.deployment]: { input: 0.15, output: 0.6 },
    };
    const ctx = context({ price: (x) => prices[x.deployment] });
    expect(STRATEGIES['lowest-cost']([c, a, b], ctx)).toBe(b);
    expect(STRATEGIES['lowest-cost']([c, a], ctx)).toBe(a);
  });
});
