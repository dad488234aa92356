import { parseConfig } from '@switchyard/config';
import { describe, expect, it } from 'vitest';
import { decideCaching, type RequestFacts } from './cache-decision.js';

const config = parseConfig({
  providers: { demo: { type: 'demo' } },
  models: {
    plain: { deployments: [{ provider: 'demo', model: 'd' }] },
    off: { deployments: [{ provider: 'demo', model: 'd' }], cache: { enabled: false } },
    sampled: {
      deployments: [{ provider: 'demo', model: 'd' }],
      cache: { cache_nondeterministic: true, ttl_seconds: 5 },
    },
  },
});
const facts = (over: Partial<RequestFacts> = {}): RequestFacts => ({
  model: 'plain',
  team: 'search',
  keyId: 'app',
  cacheControl: undefined,
  ttlSeconds: undefined,
  body: { temperature: 0 },
  ...over,
});

describe('decideCaching', () => {
  it('caches deterministic requests per team for the configured TTL', () => {
    expect(decideCaching(config, facts())).toEqual({
      use: true,
      lookup: true,
      namespace: 'team:search',
      ttlMs: 3_600_000,
      semantic: undefined,
    });
  });

  it('uses the key id as the namespace of a key without a team, and one namespace when global', () => {
    expect(decideCaching(config, facts({ team: undefined }))).toMatchObject({ namespace: 'key:app' });
    const global = { ...config, cache: { ...config.cache, namespace: 'global' as const } };
    expect(decideCaching(global, facts())).toMatchObject({ namespace: 'global' });
  });

  it('skips sampled requests (temperature > 0 or unset) unless the alias caches them', () => {
    expect(decideCaching(config, facts({ body: { temperature: 0.7 } })).use).toBe(false);
    expect(decideCaching(config, facts({ body: {} })).use).toBe(false);
    expect(decideCaching(config, facts({ model: 'sampled', body: {} }))).toMatchObject({
      use: true,
      ttlMs: 5000,
    });
  });

  it('follows Cache-Control: no-cache skips the lookup only, no-store skips everything', () => {
    expect(decideCaching(config, facts({ cacheControl: 'No-Cache' }))).toMatchObject({
      use: true,
      lookup: false,
    });
    expect(decideCaching(config, facts({ cacheControl: 'max-age=0, no-store' })).use).toBe(false);
  });

  it('skips an alias with the cache off', () => {
    expect(decideCaching(config, facts({ model: 'off' })).use).toBe(false);
  });

  it('takes the caller’s TTL up to the configured maximum and refuses more with a 400', () => {
    expect(decideCaching(config, facts({ ttlSeconds: '60' }))).toMatchObject({ ttlMs: 60_000 });
    expect(() => decideCaching(config, facts({ ttlSeconds: '86401' }))).toThrow(/x-switchyard-cache-ttl/);
    expect(() => decideCaching(config, facts({ ttlSeconds: '1.5' }))).toThrow(/x-switchyard-cache-ttl/);
  });
});
