import { z } from 'zod';

const Id = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lowercase letters, digits, "-" and "_"');

export const ServerConfig = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.int().min(0).max(65535).default(8080),
  /** Largest request body accepted, in bytes; larger gets 413. */
  body_limit_bytes: z
    .int()
    .min(1024)
    .default(8 * 1024 * 1024),
  /** Whole-request deadline, carried through every stage. */
  request_timeout_ms: z.int().min(1).default(600_000),
});

export const KeyConfig = z
  .strictObject({
    /** Names the key in logs and metrics; never the secret. */
    id: Id,
    /** The secret, usually `${ENV}`; hashed at load and never kept. */
    key: z.string().min(8).optional(),
    /** SHA-256 hex of the secret, for configs that must not hold it at all. */
    key_hash: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    team: z.string().optional(),
    /** Model globs the key may use (`*`, `gpt-4o*`, `openai/*`). */
    models: z.array(z.string().min(1)).default(['*']),
  })
  .refine((k) => (k.key === undefined) !== (k.key_hash === undefined), {
    message: 'give exactly one of key or key_hash',
  });
export type KeyConfig = z.infer<typeof KeyConfig>;

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
});
export type DeploymentConfig = z.infer<typeof DeploymentConfig>;

export const ModelConfig = z.strictObject({
  deployments: z.array(DeploymentConfig).min(1),
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

export const TelemetryConfig = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.int().min(0).max(65535).default(9464),
});

export const SwitchyardConfig = z
  .strictObject({
    server: ServerConfig.default(ServerConfig.parse({})),
    /** Admin key, also a valid API key. */
    master_key: z.string().min(8).optional(),
    keys: z.array(KeyConfig).default([]),
    providers: z.record(Id, ProviderConfig).default({}),
    /** Aliases callers use as `model`: exact names, or `prefix/*` passing the rest upstream. */
    models: z.record(z.string().min(1), ModelConfig).default({}),
    telemetry: TelemetryConfig.default(TelemetryConfig.parse({})),
    /**
     * Prices that override or extend the built-in table: `<provider id>/<model>`, `<vendor>/<model>`
     * or a bare model, each possibly a glob (`gpt-4o*`, `vllm/*`).
     */
    pricing: z.record(z.string().min(1), ModelPriceConfig).default({}),
  })
  .superRefine((config, ctx) => {
    for (const [alias, model] of Object.entries(config.models)) {
      model.deployments.forEach((d, i) => {
        if (!Object.hasOwn(config.providers, d.provider)) {
          ctx.addIssue({
            code: 'custom',
            path: ['models', alias, 'deployments', i, 'provider'],
            message: `unknown provider "${d.provider}"`,
          });
        }
        if (d.model === undefined && !alias.endsWith('/*')) {
          ctx.addIssue({
            code: 'custom',
            path: ['models', alias, 'deployments', i, 'model'],
            message: 'required unless the alias ends in /*',
          });
        }
      });
    }
    const ids = new Set<string>();
    config.keys.forEach((k, i) => {
      if (ids.has(k.id))
        ctx.addIssue({ code: 'custom', path: ['keys', i, 'id'], message: `duplicate key id "${k.id}"` });
      ids.add(k.id);
    });
  });
export type SwitchyardConfig = z.infer<typeof SwitchyardConfig>;
