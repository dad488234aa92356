import { isGatewayError } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { createResolveRoute } from './resolve-route.js';

const resolve = createResolveRoute({
  'gpt-4o': {
    deployments: [
      { provider: 'openai', model: 'gpt-4o-2024-08-06' },
      { provider: 'azure', model: 'gpt-4o' },
    ],
  },
  fast: { deployments: [{ provider: 'groq', model: 'llama-3.1-8b-instant', id: 'groq-fast' }] },
  'openai/*': { deployments: [{ provider: 'openai' }] },
  'openai/ft/*': { deployments: [{ provider: 'finetunes' }] },
  // An exact alias that looks like it is under a wildcard wins over it.
  'openai/special': { deployments: [{ provider: 'azure', model: 'special-deployment' }] },
});

describe('resolveRoute', () => {
  it('maps an exact alias to its first deployment', () => {
    expect(resolve('gpt-4o')).toEqual({
      provider: 'openai',
      deployment: 'openai/gpt-4o-2024-08-06',
      upstreamModel: 'gpt-4o-2024-08-06',
    });
  });

  it("uses the deployment's own id when it has one", () => {
    expect(resolve('fast').deployment).toBe('groq-fast');
  });

  it('passes the rest of the name upstream for a wildcard alias', () => {
    expect(resolve('openai/gpt-4.1-mini')).toEqual({
      provider: 'openai',
      deployment: 'openai/gpt-4.1-mini',
      upstreamModel: 'gpt-4.1-mini',
    });
  });

  it('prefers the longest matching prefix', () => {
    expect(resolve('openai/ft/my-model')).toMatchObject({ provider: 'finetunes', upstreamModel: 'my-model' });
  });

  it('prefers an exact alias over a wildcard', () => {
    expect(resolve('openai/special')).toMatchObject({
      provider: 'azure',
      upstreamModel: 'special-deployment',
    });
  });

  it.each(['gpt-5', 'openai/', 'openai', 'groq/llama'])('answers 404 for the unknown model %j', (model) => {
    try {
      resolve(model);
      expect.unreachable();
    } catch (err) {
      if (!isGatewayError(err)) throw err;
      expect(err.status).toBe(404);
      expect(err.param).toBe('model');
      expect(err.message).toBe(`The model '${model}' does not exist or you do not have access to it.`);
    }
  });
});
