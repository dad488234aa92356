import { describe, expect, it } from 'vitest';
import { parseConfig } from './load.js';
import { aliasOf } from './router-config.js';

const upstream = { type: 'openai-compatible', base_url: 'https://example.test/v1' };
const withModels = (models: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  parseConfig({ providers: { openai: upstream, azure: upstream }, models, ...extra });
const one = (model: string, more: Record<string, unknown> = {}) => ({
  deployments: [{ provider: 'openai', model }],
  ...more,
});

describe('routing config', () => {
  it('defaults the attempt budget and the cooldown', () => {
    expect(withModels({}).router).toEqual({
      max_attempts: 3,
      cooldown: { failures: 3, window_ms: 60_000, duration_ms: 30_000 },
      rules: [],
      stream_idle_timeout_ms: 120_000,
    });
    expect(withModels({}, { router: { cooldown: { duration_ms: 500 } } }).router.cooldown).toEqual({
      failures: 3,
      window_ms: 60_000,
      duration_ms: 500,
    });
  });

  it('takes a strategy, weights, priorities and fallbacks', () => {
    const config = withModels({
      'gpt-4o': {
        strategy: 'weighted',
        deployments: [
          { provider: 'openai', model: 'gpt-4o', weight: 3, priority: 1 },
          { provider: 'azure', model: 'gpt-4o', weight: 1 },
        ],
        fallbacks: ['mini', 'openai/gpt-4.1'],
        context_window_fallback: 'long',
      },
      mini: one('gpt-4o-mini'),
      long: one('gpt-4.1'),
      'openai/*': { deployments: [{ provider: 'openai' }] },
    });
    expect(config.models['gpt-4o']).toMatchObject({
      strategy: 'weighted',
      fallbacks: ['mini', 'openai/gpt-4.1'],
    });
  });

  it('refuses an unknown strategy, a weight of 0 and fallbacks to models no alias serves', () => {
    expect(() => withModels({ a: one('x', { strategy: 'fastest' }) })).toThrow(/strategy/);
    expect(() => withModels({ a: { deployments: [{ provider: 'openai', model: 'x', weight: 0 }] } })).toThrow(
      /weight/,
    );
    expect(() => withModels({ a: one('x', { fallbacks: ['b'] }) })).toThrow(
      /models\.a\.fallbacks\[0\]: unknown model "b"/,
    );
    expect(() => withModels({ a: one('x', { context_window_fallback: 'huge' }) })).toThrow(
      /context_window_fallback.*unknown model "huge"/s,
    );
  });

  it('refuses fallbacks that form a cycle, naming it', () => {
    expect(() =>
      withModels({
        a: one('x', { fallbacks: ['b'] }),
        b: one('y', { fallbacks: ['c'] }),
        c: one('z', { context_window_fallback: 'a' }),
      }),
    ).toThrow(/cycle: a → b → c → a/);
    expect(() => withModels({ a: one('x', { fallbacks: ['a'] }) })).toThrow(/cycle: a → a/);
    // A diamond is not a cycle.
    expect(() =>
      withModels({
        a: one('x', { fallbacks: ['b', 'c'] }),
        b: one('y', { fallbacks: ['d'] }),
        c: one('z', { fallbacks: ['d'] }),
        d: one('w'),
      }),
    ).not.toThrow();
  });
});

describe('routing rules and timeouts', () => {
  it('takes rules whose target an alias serves, and per-alias timeouts', () => {
    const config = withModels(
      {
        small: one('gpt-4o-mini', { timeout_ms: 5_000, stream_idle_timeout_ms: 2_000 }),
        'openai/*': { deployments: [{ provider: 'openai' }] },
      },
      {
        router: {
          rules: [
            { when: { tags_any: ['batch'], team: ['research'] }, route_to: 'small' },
            { when: { min_prompt_tokens: 1000 }, route_to: 'openai/gpt-4.1' },
          ],
        },
      },
    );
    expect(config.router.rules[1]).toEqual({ when: { min_prompt_tokens: 1000 }, route_to: 'openai/gpt-4.1' });
    expect(config.models['small']).toMatchObject({ timeout_ms: 5_000, stream_idle_timeout_ms: 2_000 });
  });

  it('refuses a rule routing to a model no alias serves, or with an unknown condition', () => {
    expect(() => withModels({ a: one('x') }, { router: { rules: [{ route_to: 'b' }] } })).toThrow(
      /router\.rules\[0\]\.route_to: unknown model "b"/,
    );
    expect(() =>
      withModels({ a: one('x') }, { router: { rules: [{ when: { tag: ['x'] }, route_to: 'a' }] } }),
    ).toThrow(/tag/);
  });
});

describe('aliasOf', () => {
  const models = { 'gpt-4o': {}, 'openai/*': {}, 'openai/ft/*': {} };
  it('finds the exact alias, else the longest wildcard prefix', () => {
    expect(aliasOf(models, 'gpt-4o')).toBe('gpt-4o');
    expect(aliasOf(models, 'openai/gpt-4.1')).toBe('openai/*');
    expect(aliasOf(models, 'openai/ft/mine')).toBe('openai/ft/*');
    expect(aliasOf(models, 'openai/')).toBeUndefined();
    expect(aliasOf(models, 'claude')).toBeUndefined();
  });
});
