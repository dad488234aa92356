import { parseConfig } from '@switchyard/config';
import { GatewayError } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import type { Availability } from './health.js';
import { backoffMs, planRoute, type RouteEnv, type RoutePlan, type RouteRequest } from './plan-route.js';
import { createRouteTable } from './resolve-route.js';
import { STRATEGIES } from './strategies/index.js';

const upstream = { type: 'openai-compatible', base_url: 'https://example.test/v1' };
const config = parseConfig({
  providers: { openai: upstream, azure: upstream, groq: upstream, big: upstream },
  models: {
    'gpt-4o': {
      deployments: [
        { provider: 'openai', model: 'gpt-4o' },
        { provider: 'azure', model: 'gpt-4o' },
      ],
      fallbacks: ['fast'],
      context_window_fallback: 'long',
    },
    fast: { deployments: [{ provider: 'groq', model: 'llama' }] },
    long: { deployments: [{ provider: 'big', model: 'gemini-long' }] },
    solo: { deployments: [{ provider: 'openai', model: 'solo' }] },
  },
});
const table = createRouteTable(config.models);

const NOW = 1_000_000;
const request = (extra: Partial<RouteRequest> = {}): RouteRequest => ({
  model: 'gpt-4o',
  fallbacks: undefined,
  root: undefined,
  failedAlias: undefined,
  failedDeployment: undefined,
  excluded: new Set(),
  lastError: undefined,
  attempt: 1,
  deadline: undefined,
  ...extra,
});
const env = (
  extra: {
    dead?: string[];
    cooling?: Record<string, number>;
    availability?: Record<string, Availability>;
  } = {},
): RouteEnv => ({
  table,
  now: NOW,
  random: () => 0.5,
  providerAlive: (p) => !(extra.dead ?? []).includes(p),
  availability: (d) => extra.availability?.[d] ?? (extra.cooling?.[d] === undefined ? 'healthy' : 'cooling'),
  coolingUntil: (d) => extra.cooling?.[d],
  pick: (match, candidates) =>
    STRATEGIES[match.strategy](candidates, {
      random: () => 0.5,
      turn: 0,
      stream: false,
      inFlight: () => 0,
      latency: () => undefined,
      price: () => undefined,
    }),
});
const sentTo = (plan: RoutePlan): string =>
  plan.kind === 'send' ? plan.candidate.deployment : `answer ${plan.error.status}`;
const upstreamError = new GatewayError('upstream_error', 'The upstream failed.', { provider: 'openai' });
const rateLimited = new GatewayError('rate_limited', 'Slow down.', { retryAfterMs: 1_000 });

describe('planRoute', () => {
  it('sends a first attempt to the first deployment, at once', () => {
    expect(planRoute(request(), env())).toMatchObject({
      kind: 'send',
      alias: 'gpt-4o',
      candidate: { deployment: 'openai/gpt-4o' },
      waitMs: 0,
    });
  });

  it("walks the caller's fallbacks instead of the configured ones", () => {
    const excluded = new Set(['openai/gpt-4o', 'azure/gpt-4o']);
    const failed = { lastError: upstreamError, attempt: 3, failedDeployment: 'azure/gpt-4o', excluded };
    expect(sentTo(planRoute(request({ ...failed, fallbacks: ['solo'] }), env()))).toBe('openai/solo');
    expect(sentTo(planRoute(request(failed), env()))).toBe('groq/llama');
  });

  it('skips excluded deployments, then falls back to the next alias', () => {
    const failed = { lastError: upstreamError, attempt: 2, failedDeployment: 'openai/gpt-4o' };
    expect(sentTo(planRoute(request({ ...failed, excluded: new Set(['openai/gpt-4o']) }), env()))).toBe(
      'azure/gpt-4o',
    );
    const plan = planRoute(
      request({ ...failed, excluded: new Set(['openai/gpt-4o', 'azure/gpt-4o']) }),
      env(),
    );
    expect(plan).toMatchObject({ kind: 'send', alias: 'fast', candidate: { deployment: 'groq/llama' } });
  });

  it('skips deployments cooling down and those whose provider has no worker', () => {
    expect(sentTo(planRoute(request(), env({ cooling: { 'openai/gpt-4o': NOW + 10 } })))).toBe(
      'azure/gpt-4o',
    );
    expect(sentTo(planRoute(request(), env({ availability: { 'openai/gpt-4o': 'probing' } })))).toBe(
      'azure/gpt-4o',
    );
    expect(sentTo(planRoute(request(), env({ dead: ['openai', 'azure'] })))).toBe('groq/llama');
  });

  it('takes a deployment whose cooldown is over as the probe', () => {
    expect(sentTo(planRoute(request(), env({ availability: { 'openai/gpt-4o': 'probe' } })))).toBe(
      'openai/gpt-4o',
    );
  });

  it('answers 503 naming the alias, with a retry-after, when every deployment is cooling down', () => {
    const plan = planRoute(request({ model: 'solo' }), env({ cooling: { 'openai/solo': NOW + 7_000 } }));
    expect(plan.kind).toBe('answer');
    if (plan.kind !== 'answer') return;
    expect(plan.error.code).toBe('unavailable');
    expect(plan.error.message).toContain("'solo'");
    expect(plan.error.retryAfterMs).toBe(7_000);
  });

  it('answers 503 naming the provider when none of its workers runs', () => {
    const plan = planRoute(request({ model: 'solo' }), env({ dead: ['openai'] }));
    expect(plan).toMatchObject({
      kind: 'answer',
      error: { code: 'unavailable', message: 'No provider.openai service is running.' },
    });
  });

  it('retries the deployment that just failed after its Retry-After when no other is left', () => {
    const retry = request({
      model: 'solo',
      lastError: rateLimited,
      attempt: 2,
      failedDeployment: 'openai/solo',
      excluded: new Set(['openai/solo']),
    });
    expect(planRoute(retry, env())).toMatchObject({
      kind: 'send',
      candidate: { deployment: 'openai/solo' },
      waitMs: 1_000,
    });
    // Without a Retry-After, a backoff with jitter.
    const plan = planRoute({ ...retry, lastError: upstreamError }, env());
    expect(plan).toMatchObject({ kind: 'send', waitMs: backoffMs(2, () => 0.5) });
  });

  it('answers the last error when the wait would pass the deadline, or the error is not retryable', () => {
    const retry = request({
      model: 'solo',
      lastError: rateLimited,
      attempt: 2,
      failedDeployment: 'openai/solo',
      excluded: new Set(['openai/solo']),
      deadline: NOW + 500,
    });
    expect(planRoute(retry, env())).toEqual({ kind: 'answer', error: rateLimited });
    const badRequest = new GatewayError('invalid_request', 'No.', { retryable: false });
    expect(planRoute({ ...retry, deadline: undefined, lastError: badRequest }, env())).toEqual({
      kind: 'answer',
      error: badRequest,
    });
  });

  it('moves a prompt too long for the failed alias to its context-window fallback', () => {
    const tooLong = new GatewayError('invalid_request', 'Too long.', {
      retryable: false,
      openaiCode: 'context_length_exceeded',
    });
    const failed = request({
      lastError: tooLong,
      attempt: 2,
      failedAlias: 'gpt-4o',
      failedDeployment: 'openai/gpt-4o',
      excluded: new Set(['openai/gpt-4o']),
    });
    expect(planRoute(failed, env())).toMatchObject({
      kind: 'send',
      alias: 'long',
      root: 'long',
      candidate: { deployment: 'big/gemini-long' },
    });
    // An alias without one answers the error as it came.
    expect(planRoute({ ...failed, model: 'fast', failedAlias: 'fast' }, env())).toEqual({
      kind: 'answer',
      error: tooLong,
    });
    // Once on the fallback's chain, a retryable failure stays on it.
    const onLong = request({
      root: 'long',
      lastError: upstreamError,
      attempt: 3,
      failedAlias: 'long',
      failedDeployment: 'big/gemini-long',
      excluded: new Set(['openai/gpt-4o', 'big/gemini-long']),
    });
    expect(sentTo(planRoute(onLong, env()))).toBe('big/gemini-long');
  });

  it('answers 404 for a model no alias serves', () => {
    expect(() => planRoute(request({ model: 'nope' }), env())).toThrow(/does not exist/);
  });
});
