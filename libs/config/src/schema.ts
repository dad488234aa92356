import { z } from 'zod';
import { BatchConfig } from './batch-config.js';
import { AliasCacheConfig, CacheConfig } from './cache-config.js';
import { KeyConfig, PolicyConfig, RedisConfig, TeamConfig } from './policy-config.js';
import { RouterConfig, checkRoutes } from './router-config.js';

const Id = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lowercase letters, digits, "-" and "_"');

export const ServerConfig = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.int().min(0).max(65535).default(8080),
  /** Largest request body accepted, in bytes; larger gets 413. */
  body_limit_bytes: z
    .int()
    .min(1024)
    .default(8 * 1024 * 1024),
  /**
   * Stages run in one process (`switchyard ingress policy cache router`, `switchyard all`) hand
   * requests to each other directly instead of through NATS. No effect on a service run alone.
   */
  local_dispatch: z.boolean().default(false),
  /** Whole-request deadline, carried through every stage. */
  request_timeout_ms: z.int().min(1).default(600_000),
  /** WebSocket keepalive: the server pings this often; a socket that has not answered the last ping is closed. */
  ws_ping_interval_ms: z.int().min(10).default(30_000),
  /** A WebSocket connected without a key in its headers must send its `auth` frame within this. */
  ws_auth_timeout_ms: z.int().min(10).default(5_000),
  /** Bytes queued for a slow WebSocket client beyond which its running requests are cancelled. */
  ws_high_water_bytes: z
    .int()
    .min(1024)
    .default(8 * 1024 * 1024),
  /** Requests one WebSocket may have running at once; one more is refused (429) until one ends. */
  ws_max_in_flight: z.int().min(1).default(64),
});

export const DemoProvider = z.strictObject({
  type: z.literal('demo'),
  /** Delay between streamed chunks, so streaming is visible in a terminal. */
  chunk_delay_ms: z.int().min(0).default(20),
});

const HttpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });

/** What every provider reached over HTTP shares. */
const httpProvider = {
  api_key: z.string().optional(),
  /** Extra headers on every upstream call (e.g. OpenRouter's `HTTP-Referer`). */
  headers: z.record(z.string(), z.string()).default({}),
  /** Upstream connections kept open per worker. */
  connections: z.int().min(1).default(64),
  /**
   * A request parameter this provider cannot honour is refused with a 400 naming it; with
   * `drop_params: true` it is dropped instead. Never silently clamped.
   */
  drop_params: z.boolean().default(false),
};

export const OpenAICompatibleProvider = z.strictObject({
  type: z.literal('openai-compatible'),
  base_url: HttpUrl,
  ...httpProvider,
});

export const AzureOpenAIProvider = z.strictObject({
  type: z.literal('azure-openai'),
  /** The resource endpoint, e.g. `https://my-resource.openai.azure.com`; the deployment is the model. */
  base_url: HttpUrl,
  api_version: z.string().default('2024-10-21'),
  ...httpProvider,
});

export const AnthropicProvider = z.strictObject({
  type: z.literal('anthropic'),
  base_url: HttpUrl.default('https://api.anthropic.com'),
  anthropic_version: z.string().default('2023-06-01'),
  /** Anthropic requires `max_tokens`; used when the caller sets none. */
  default_max_tokens: z.int().min(1).default(4096),
  ...httpProvider,
});

export const GeminiProvider = z.strictObject({
  type: z.literal('gemini'),
  base_url: HttpUrl.default('https://generativelanguage.googleapis.com'),
  ...httpProvider,
});

export const BedrockProvider = z.strictObject({
  type: z.literal('bedrock'),
  region: z.string().min(1),
  access_key_id: z.string().min(1),
  secret_access_key: z.string().min(1),
  session_token: z.string().optional(),
  /** Defaults to `https://bedrock-runtime.<region>.amazonaws.com`; set for a VPC endpoint. */
  base_url: HttpUrl.optional(),
  ...httpProvider,
});

export const MistralProvider = z.strictObject({
  type: z.literal('mistral'),
  base_url: HttpUrl.default('https://api.mistral.ai'),
  ...httpProvider,
});

export const CohereProvider = z.strictObject({
  type: z.literal('cohere'),
  base_url: HttpUrl.default('https://api.cohere.com'),
  ...httpProvider,
});

export const OllamaProvider = z.strictObject({
  type: z.literal('ollama'),
  base_url: HttpUrl.default('http://127.0.0.1:11434'),
  ...httpProvider,
});

export const ProviderConfig = z.discriminatedUnion('type', [
  DemoProvider,
  OpenAICompatibleProvider,
  AzureOpenAIProvider,
  AnthropicProvider,
  GeminiProvider,
  BedrockProvider,
  MistralProvider,
  CohereProvider,
  OllamaProvider,
]);
export type ProviderConfig = z.infer<typeof ProviderConfig>;

export const DeploymentConfig = z.strictObject({
  provider: Id,
  /** The provider's model name; for a `prefix/*` alias, defaults to what follows the prefix. */
  model: z.string().min(1).optional(),
  id: z.string().optional(),
  /**
   * Upstream calls to this deployment in flight at once, per worker process; more wait for a
   * slot until their deadline. Protects a self-hosted server (vLLM, Ollama) from a burst.
   */
  max_concurrency: z.int().min(1).optional(),
  /** Share of traffic under the `weighted` strategy, relative to the others; default 1. */
  weight: z.number().positive().optional(),
  /** Order under the `priority` strategy: lower first; default 0; ties keep the listed order. */
  priority: z.int().optional(),
});
export type DeploymentConfig = z.infer<typeof DeploymentConfig>;

/** How logs, metrics and headers name a deployment: its `id`, else `provider/model`. */
export const deploymentIdOf = (d: DeploymentConfig, upstreamModel: string): string =>
  d.id ?? `${d.provider}/${upstreamModel}`;

/** How the router picks among an alias's deployments; see docs/routing.md. */
export const RoutingStrategy = z.enum([
  'priority',
  'weighted',
  'round-robin',
  'least-busy',
  'least-latency',
  'lowest-cost',
]);
export type RoutingStrategy = z.infer<typeof RoutingStrategy>;

export const ModelConfig = z.strictObject({
  deployments: z.array(DeploymentConfig).min(1),
  /** Default `priority`. */
  strategy: RoutingStrategy.optional(),
  /** Aliases tried in order once every deployment of this one failed with a retryable error. */
  fallbacks: z.array(z.string().min(1)).optional(),
  /** The alias tried when a deployment answers that the prompt is too long for its context window. */
  context_window_fallback: z.string().min(1).optional(),
  /** The request ends with a 504 this long after the gateway received it, if not sooner. */
  timeout_ms: z.int().min(1).optional(),
  /** Overrides `router.stream_idle_timeout_ms` for this alias. */
  stream_idle_timeout_ms: z.int().min(1).optional(),
  cache: AliasCacheConfig.optional(),
});
export type ModelConfig = z.infer<typeof ModelConfig>;

/** USD per million tokens, as the vendors publish their prices. */
const PerMillion = z.number().min(0);

export const ModelPriceConfig = z.strictObject({
  input: PerMillion,
  output: PerMillion,
  /** Input tokens read from the provider's prompt cache; default: the input price. */
  cached_read: PerMillion.optional(),
  /** Input tokens written to the provider's prompt cache; default: the input price. */
  cache_write: PerMillion.optional(),
});
export type ModelPriceConfig = z.infer<typeof ModelPriceConfig>;

/** The request log: one record per request in the `SWITCHYARD_REQUESTS` JetStream stream. */
export const RequestLogConfig = z.strictObject({
  enabled: z.boolean().default(true),
  /** Records older than this are dropped by the server. */
  max_age_hours: z.number().positive().default(168),
  /** The stream never holds more than this; the oldest records go first. */
  max_bytes: z
    .int()
    .min(1024 * 1024)
    .default(1024 * 1024 * 1024),
  /** Keep each request's prompt and answer in its record, redacted. Off by default. */
  record_content: z.boolean().default(false),
  /** More patterns (regular expressions) replaced by `[REDACTED]`, besides the built-in ones. */
  redact: z
    .array(
      z.string().refine((source) => {
        try {
          new RegExp(source, 'g');
          return true;
        } catch {
          return false;
        }
      }, 'not a valid regular expression'),
    )
    .default([]),
  /** The prompt and the answer are each cut to this many bytes (UTF-8) before they are kept. */
  max_content_bytes: z
    .int()
    .min(256)
    .default(16 * 1024),
});
export type RequestLogConfig = z.infer<typeof RequestLogConfig>;

/** What Switchyard keeps in JetStream: the KV buckets, streams and object stores it creates. */
export const JetStreamConfig = z.strictObject({
  /**
   * Copies the server cluster keeps of each of them (3 on a three-node cluster, so losing a node
   * loses none of them). More than 1 needs a NATS cluster: a service refuses to start otherwise.
   */
  replicas: z.int().min(1).max(5).default(1),
});
export type JetStreamConfig = z.infer<typeof JetStreamConfig>;

export const TelemetryConfig = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.int().min(0).max(65535).default(9464),
  request_log: RequestLogConfig.default(RequestLogConfig.parse({})),
});

export const SwitchyardConfig = z
  .strictObject({
    server: ServerConfig.default(ServerConfig.parse({})),
    /** Admin key, also a valid API key. */
    master_key: z.string().min(8).optional(),
    keys: z.array(KeyConfig).default([]),
    teams: z.array(TeamConfig).default([]),
    policy: PolicyConfig.default(PolicyConfig.parse({})),
    redis: RedisConfig.default({}),
    providers: z.record(Id, ProviderConfig).default({}),
    /** Aliases callers use as `model`: exact names, or `prefix/*` passing the rest upstream. */
    models: z.record(z.string().min(1), ModelConfig).default({}),
    telemetry: TelemetryConfig.default(TelemetryConfig.parse({})),
    /**
     * Prices that override or extend the built-in table: `<provider id>/<model>`, `<vendor>/<model>`
     * or a bare model, each possibly a glob (`gpt-4o*`, `vllm/*`).
     */
    pricing: z.record(z.string().min(1), ModelPriceConfig).default({}),
    router: RouterConfig.default(RouterConfig.parse({})),
    cache: CacheConfig.default(CacheConfig.parse({})),
    batch: BatchConfig.default(BatchConfig.parse({})),
    jetstream: JetStreamConfig.default(JetStreamConfig.parse({})),
  })
  .superRefine((config, ctx) => {
    for (const issue of checkRoutes(config.providers, config.models, config.router.rules))
      ctx.addIssue({ code: 'custom', ...issue });
    const ids = new Set<string>();
    config.keys.forEach((k, i) => {
      if (ids.has(k.id))
        ctx.addIssue({ code: 'custom', path: ['keys', i, 'id'], message: `duplicate key id "${k.id}"` });
      ids.add(k.id);
    });
    const teams = new Set<string>();
    config.teams.forEach((t, i) => {
      if (teams.has(t.id))
        ctx.addIssue({ code: 'custom', path: ['teams', i, 'id'], message: `duplicate team id "${t.id}"` });
      teams.add(t.id);
    });
  });
export type SwitchyardConfig = z.infer<typeof SwitchyardConfig>;
