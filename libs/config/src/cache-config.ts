import { z } from 'zod';

/**
 * The semantic cache: a miss on the exact key may still be answered from a stored answer whose
 * prompt embeds close enough (cosine similarity ≥ `threshold`). See docs/caching.md.
 */
export const SemanticCacheConfig = z.strictObject({
  enabled: z.boolean().default(false),
  /** The alias (in `models`) the prompt is embedded with, through the gateway's own embeddings route. */
  embedding_model: z.string().min(1).optional(),
  threshold: z.number().min(0).max(1).default(0.95),
  /** What is embedded: the last user message's text, or the text of every message. */
  input: z.enum(['last_user_message', 'all_messages']).default('last_user_message'),
  /** Vectors kept per namespace and model (the oldest go first): bounds the brute-force search. */
  max_entries: z.int().min(1).max(100_000).default(1000),
});
export type SemanticCacheConfig = z.infer<typeof SemanticCacheConfig>;

export const CacheConfig = z.strictObject({
  enabled: z.boolean().default(true),
  ttl_seconds: z.int().min(1).default(3600),
  /** The most a caller's `x-switchyard-cache-ttl` may ask for. */
  max_ttl_seconds: z.int().min(1).default(86_400),
  /** Answers larger than this (their chat.completion JSON) are not stored. */
  max_entry_bytes: z
    .int()
    .min(1024)
    .default(512 * 1024),
  /** Entries the in-memory cache holds (without `redis.url`); the least recently used go first. */
  max_entries: z.int().min(1).default(10_000),
  /** `team`: each team (or key without a team) has its own entries; `global`: every caller shares them. */
  namespace: z.enum(['team', 'global']).default('team'),
  /** Cache requests with `temperature` > 0 too (their answer would differ from call to call). */
  cache_nondeterministic: z.boolean().default(false),
  /** A request without `temperature` samples at the provider's default (OpenAI: 1): non-deterministic unless set. */
  missing_temperature_is_deterministic: z.boolean().default(false),
  /** Identical requests in flight at once wait for the first one's answer instead of all going upstream. */
  coalesce: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** The longest a request waits for the first one's answer before going upstream itself. */
      wait_ms: z.int().min(1).default(30_000),
    })
    .default({ enabled: true, wait_ms: 30_000 }),
  semantic: SemanticCacheConfig.default(SemanticCacheConfig.parse({})),
});
export type CacheConfig = z.infer<typeof CacheConfig>;

/** Per-alias overrides (`models.<alias>.cache`); what is left out comes from the `cache` section. */
export const AliasCacheConfig = z.strictObject({
  enabled: z.boolean().optional(),
  ttl_seconds: z.int().min(1).optional(),
  cache_nondeterministic: z.boolean().optional(),
  semantic: SemanticCacheConfig.partial().optional(),
});
export type AliasCacheConfig = z.infer<typeof AliasCacheConfig>;
