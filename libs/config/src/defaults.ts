import type { z } from 'zod';
import type { ModelConfig, ProviderConfig } from './schema.js';

type ProviderInput = z.input<typeof ProviderConfig>;

/**
 * OpenAI-compatible providers enabled by their API key in the environment when no config file is
 * given: each is served as `<id>/<model>`, e.g. `groq/llama-3.1-8b-instant`.
 */
export const PROVIDERS_FROM_ENV = [
  { id: 'openai', env: 'OPENAI_API_KEY', base_url: 'https://api.openai.com/v1' },
  { id: 'groq', env: 'GROQ_API_KEY', base_url: 'https://api.groq.com/openai/v1' },
  { id: 'together', env: 'TOGETHER_API_KEY', base_url: 'https://api.together.xyz/v1' },
  { id: 'fireworks', env: 'FIREWORKS_API_KEY', base_url: 'https://api.fireworks.ai/inference/v1' },
  { id: 'deepseek', env: 'DEEPSEEK_API_KEY', base_url: 'https://api.deepseek.com/v1' },
  { id: 'xai', env: 'XAI_API_KEY', base_url: 'https://api.x.ai/v1' },
  { id: 'mistral', env: 'MISTRAL_API_KEY', base_url: 'https://api.mistral.ai/v1' },
  { id: 'openrouter', env: 'OPENROUTER_API_KEY', base_url: 'https://openrouter.ai/api/v1' },
  { id: 'perplexity', env: 'PERPLEXITY_API_KEY', base_url: 'https://api.perplexity.ai' },
] as const;

/** The built-in demo provider (offline, deterministic) plus every provider whose key is set. */
export function defaultDocument(env: Readonly<Record<string, string | undefined>>): {
  providers: Record<string, ProviderInput>;
  models: Record<string, ModelConfig>;
} {
  const providers: Record<string, ProviderInput> = { demo: { type: 'demo' } };
  const models: Record<string, ModelConfig> = {
    demo: { deployments: [{ provider: 'demo', model: 'demo-1' }] },
  };
  for (const p of PROVIDERS_FROM_ENV) {
    const apiKey = env[p.env];
    if (!apiKey) continue;
    providers[p.id] = {
      type: 'openai-compatible',
      base_url: p.base_url,
      api_key: apiKey,
      headers: {},
      connections: 64,
    };
    models[`${p.id}/*`] = { deployments: [{ provider: p.id }] };
  }
  return { providers, models };
}
