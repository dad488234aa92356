import type { RequestCompleted } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { createDeploymentStats } from '../domain/deployment-stats.js';
import { createHealth } from '../domain/health.js';
import { createLearnFromEvents } from './learn-from-events.js';

const D = 'openai/gpt-4o';

function setup() {
  let now = 1_000;
  const health = createHealth({ failures: 2, windowMs: 10_000, durationMs: 1_000 });
  const stats = createDeploymentStats();
  const learn = createLearnFromEvents({ health, stats, now: () => now });
  return { health, stats, learn, at: (t: number) => (now = t) };
}

const completed = (status: number, error_code?: string): RequestCompleted => ({
  request_id: `r-${status}-${error_code}`,
  op: 'chat.completions',
  deployment: D,
  stream: false,
  status,
  received_at: 0,
  duration_ms: 100,
  ...(error_code === undefined ? {} : { error_code }),
});
const attemptFailed = (status: number, error_code: string) => ({
  request_id: 'r',
  provider: 'openai',
  deployment: D,
  status,
  error_code,
  attempt: 1,
});

describe('learnFromEvents', () => {
  it('counts rate limits and server failures, from either event, against the deployment', () => {
    const { health, learn } = setup();
    learn.attemptFailed(attemptFailed(429, 'rate_limited'));
    learn.requestCompleted(completed(502, 'upstream_error'));
    expect(health.availability(D, 1_000)).toBe('cooling');
  });

  it("never counts a caller's mistake, a cancellation, the request's own deadline or a long prompt", () => {
    const { health, learn } = setup();
    learn.requestCompleted(completed(400, 'invalid_request'));
    learn.requestCompleted(completed(499, 'cancelled'));
    learn.requestCompleted(completed(504, 'timeout'));
    learn.attemptFailed(attemptFailed(400, 'invalid_request'));
    expect(health.availability(D, 1_000)).toBe('healthy');
  });

  it('closes the circuit when the probe succeeds, as its completion event tells', () => {
    const { health, learn, at } = setup();
    learn.attemptFailed(attemptFailed(503, 'unavailable'));
    learn.attemptFailed(attemptFailed(503, 'unavailable'));
    at(2_100);
    learn.attemptStarted({
      request_id: 'probe',
      model: 'm',
      provider: 'openai',
      deployment: D,
      attempt: 1,
      at: 2_100,
    });
    expect(health.availability(D, 2_100)).toBe('probing');
    learn.requestCompleted({ ...completed(200), request_id: 'probe' });
    expect(health.availability(D, 2_100)).toBe('healthy');
  });

  it('counts an attempt in flight from its start until its failure or its completion', () => {
    const { stats, learn } = setup();
    const start = { model: 'm', provider: 'openai', deployment: D, at: 0 };
    learn.attemptStarted({ ...start, request_id: 'a', attempt: 1 });
    learn.attemptStarted({ ...start, request_id: 'a', attempt: 1 }); // a router hears its own event too
    learn.attemptStarted({ ...start, request_id: 'b', attempt: 1 });
    expect(stats.inFlight(D)).toBe(2);
    learn.attemptFailed({ ...attemptFailed(502, 'upstream_error'), request_id: 'a' });
    expect(stats.inFlight(D)).toBe(1);
    learn.requestCompleted({ ...completed(200), request_id: 'b' });
    expect(stats.inFlight(D)).toBe(0);
  });
});
