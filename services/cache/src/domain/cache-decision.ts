import { aliasOf, type CacheConfig, type ModelConfig, type SemanticCacheConfig } from '@switchyard/config';
import { GatewayError } from '@switchyard/contracts';

export interface RequestFacts {
  /** The model as the caller named it (`sy-model`). */
  model: string;
  team: string | undefined;
  keyId: string | undefined;
  /** The caller's `Cache-Control`. */
  cacheControl: string | undefined;
  /** The caller's `x-switchyard-cache-ttl`. */
  ttlSeconds: string | undefined;
  body: Record<string, unknown>;
}

/** Look up (unless `no-cache`) and store the answer under `namespace`. */
export interface CacheUse {
  use: true;
  lookup: boolean;
  namespace: string;
  ttlMs: number;
  /** Present when the alias has the semantic cache on. */
  semantic: SemanticCacheConfig | undefined;
}

/** Neither look up nor store: `no-store`, caching off for the alias, or a sampled answer. */
export interface CacheSkip {
  use: false;
}

export type CacheDecision = CacheUse | CacheSkip;

const SKIP: CacheSkip = { use: false };

/** `no-cache, no-store` → {no-cache, no-store}: directives are case-insensitive and may carry values. */
const directives = (header: string | undefined): Set<string> =>
  new Set((header ?? '').split(',').map((d) => d.split('=')[0]!.trim().toLowerCase()));

function parseTtl(value: string | undefined, maxSeconds: number): number | undefined {
  if (value === undefined) return undefined;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!(seconds >= 1 && seconds <= maxSeconds)) {
    throw new GatewayError(
      'invalid_request',
      `Invalid x-switchyard-cache-ttl: expected whole seconds from 1 to ${maxSeconds}.`,
      { param: 'x-switchyard-cache-ttl' },
    );
  }
  return seconds;
}

/** A request samples when its temperature is above 0, or is unset and the config counts that as sampling. */
function samples(body: Record<string, unknown>, cache: CacheConfig): boolean {
  const t = body['temperature'];
  if (typeof t === 'number') return t > 0;
  return !cache.missing_temperature_is_deterministic;
}

/**
 * What the cache does with one request, from the config (the `cache` section and the alias's
 * overrides) and what the caller asked: a pure decision, so it is tested without I/O.
 */
export function decideCaching(
  config: { cache: CacheConfig; models: Readonly<Record<string, ModelConfig>> },
  facts: RequestFacts,
): CacheDecision {
  const { cache } = config;
  const alias = aliasOf(config.models, facts.model);
  const own = alias === undefined ? undefined : config.models[alias]?.cache;
  const ttlSeconds = parseTtl(facts.ttlSeconds, cache.max_ttl_seconds);
  if (!(own?.enabled ?? cache.enabled)) return SKIP;
  const control = directives(facts.cacheControl);
  if (control.has('no-store')) return SKIP;
  if (samples(facts.body, cache) && !(own?.cache_nondeterministic ?? cache.cache_nondeterministic))
    return SKIP;

  const semantic = { ...cache.semantic, ...own?.semantic };
  return {
    use: true,
    lookup: !control.has('no-cache'),
    namespace:
      cache.namespace === 'global'
        ? 'global'
        : facts.team !== undefined
          ? `team:${facts.team}`
          : `key:${facts.keyId ?? 'anonymous'}`,
    ttlMs: (ttlSeconds ?? own?.ttl_seconds ?? cache.ttl_seconds) * 1000,
    semantic: semantic.enabled && semantic.embedding_model !== undefined ? semantic : undefined,
  };
}
