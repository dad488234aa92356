import { isGatewayError } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { createRouteTable } from './resolve-route.js';

const table = createRouteTable({
  'gpt-4o': {
    strategy: 'weighted',
    deployments: [
      { provider: 'openai', model: 'gpt-4o-2024-08-06', weight: 3 },
      { provider: 'azure', model: 'gpt-4o', priority: 1 },
    ],
    fallbacks: ['fast', 'openai/gpt-4.1'],
  },
  // A cycle, which the config refuses: the chain still visits every alias once.
  fast: {
    deployments: [{ provider: 'groq', model: 'llama-3.1-8b-instant', id: 'groq-fast' }],
    fallbacks: ['gpt-4o'],
  },
  'openai/*': { deployments: [{ provider: 'openai' }] },
  'openai/ft/*': { deployments: [{ provider: 'finetunes' }] },
  // An exact alias that looks like it is under a wildcard wins over it.
  'openai/special': { deployments: [{ provider: 'azure', model: 'special-deployment' }] },
});

describe('routeTable', () => {
  it('maps an exact alias to its deployments in order, with their weights and priorities', () => {
    const match = table.resolve('gpt-4o');
    expect(match.alias).toBe('gpt-4o');
    expect(match.strategy).toBe('weighted');
    expect(match.candidates).toEqual([
      {
        provider: 'openai',
        deployment: 'openai/gpt-4o-2024-08-06',
        upstreamModel: 'gpt-4o-2024-08-06',
        weight: 3,
        priority: 0,
      },
      { provider: 'azure', deployment: 'azure/gpt-4o', upstreamModel: 'gpt-4o', weight: 1, priority: 1 },
    ]);
  });

  it("uses the deployment's own id when it has one, and the priority strategy by default", () => {
    expect(table.resolve('fast').candidates[0]!.deployment).toBe('groq-fast');
    expect(table.resolve('fast').strategy).toBe('priority');
  });

  it('passes the rest of the name upstream for a wildcard alias', () => {
    expect(table.resolve('openai/gpt-4.1-mini')).toMatchObject({
      alias: 'openai/*',
      candidates: [{ provider: 'openai', deployment: 'openai/gpt-4.1-mini', upstreamModel: 'gpt-4.1-mini' }],
    });
  });

  it('prefers the longest matching prefix', () => {
    expect(table.resolve('openai/ft/my-model').candidates[0]).toMatchObject({
      provider: 'finetunes',
      upstreamModel: 'my-model',
    });
  });

  it('prefers an exact alias over a wildcard', () => {
    expect(table.resolve('openai/special').candidates[0]).toMatchObject({
      provider: 'azure',
      upstreamModel: 'special-deployment',
    });
  });

  it('walks the fallbacks depth-first, every alias once', () => {
    const chain = table.chain('gpt-4o');
    expect(chain.map((m) => m.alias)).toEqual(['gpt-4o', 'fast', 'openai/*']);
    expect(chain[2]!.candidates[0]!.upstreamModel).toBe('gpt-4.1');
    expect(table.chain('fast').map((m) => m.alias)).toEqual(['fast', 'gpt-4o', 'openai/*']);
  });

  it.each(['gpt-5', 'openai/', 'openai', 'groq/llama'])('answers 404 for the unknown model %j', (model) => {
    expect(table.find(model)).toBeUndefined();
    try {
      table.resolve(model);
      expect.unreachable();
    } catch (err) {
      if (!isGatewayError(err)) throw err;
      expect(err.status).toBe(404);
      expect(err.param).toBe('model');
      expect(err.message).toBe(`The model '${model}' does not exist or you do not have access to it.`);
    }
  });
});
