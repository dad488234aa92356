import { describe, expect, it } from 'vitest';
import { createDeploymentStats } from '../domain/deployment-stats.js';
import { createHealth } from '../domain/health.js';
import { describeRouteHealth } from './route-health.js';

const models = {
  chat: {
    deployments: [
      { provider: 'openai', model: 'gpt-4o' },
      { provider: 'azure', model: 'gpt-4o', id: 'azure-eastus' },
    ],
  },
  'openai/*': { deployments: [{ provider: 'openai' }] },
};

describe('describeRouteHealth', () => {
  it('shows each deployment cooling down, its latency and what is in flight, as an operator reads them', () => {
    const health = createHealth({ failures: 1, windowMs: 10_000, durationMs: 30_000 });
    const stats = createDeploymentStats();
    health.failed('azure-eastus', 1_000);
    stats.started({ requestId: 'a', attempt: 1, deployment: 'openai/gpt-4o', at: 1_000, expiresAt: 99_000 });
    stats.started({ requestId: 'b', attempt: 1, deployment: 'openai/gpt-4o', at: 1_000, expiresAt: 99_000 });
    stats.completed({
      requestId: 'a',
      deployment: 'openai/gpt-4o',
      status: 200,
      receivedAt: 1_000,
      ttftMs: 120.4,
      durationMs: 400.6,
    });

    expect(describeRouteHealth({ models, health, stats, now: 2_000 })).toEqual([
      {
        alias: 'chat',
        deployment: 'openai/gpt-4o',
        provider: 'openai',
        availability: 'healthy',
        cooling_until: null,
        latency_ms: 401,
        ttft_ms: 120,
        in_flight: 1,
      },
      {
        alias: 'chat',
        deployment: 'azure-eastus',
        provider: 'azure',
        availability: 'cooling',
        cooling_until: 31_000,
        latency_ms: null,
        ttft_ms: null,
        in_flight: 0,
      },
      {
        alias: 'openai/*',
        deployment: 'openai/*',
        provider: 'openai',
        availability: 'healthy',
        cooling_until: null,
        latency_ms: null,
        ttft_ms: null,
        in_flight: 0,
      },
    ]);
  });
});
