import type { z } from 'zod';
import type { ModelConfig, ProviderConfig } from './schema.js';

type ProviderInput = z.input<typeof ProviderConfig>;

/**
 * Providers enabled by their API key in the environment when no config file is given: each is
 * served as `<id>/<model>`, e.g. `groq/llama-3.1-8b-instant` or `anthropic/claude-sonnet-4-5`.
 * `provider` is the config entry without its key.
 */
export const PROVIDERS_FROM_ENV: readonly { id: string; env: string; provider: ProviderInput }[] = [
  { id: 'openai', env: 'OPENAI_API_KEY', provider: openAICompatible('https://api.openai.com/v1') },
  { id: 'anthropic', env: 'ANTHROPIC_API_KEY', provider: { type: 'anthropic' } },
  { id: 'gemini', env: 'GEMINI_API_KEY', provider: { type: 'gemini' } },
  { id: 'mistral', env: 'MISTRAL_API_KEY', provider: { type: 'mistral' } },
  { id: 'cohere', env: 'COHERE_API_KEY', provider: { type: 'cohere' } },
  { id: 'groq', env: 'GROQ_API_KEY', provider: openAICompatible('https://api.groq.com/openai/v1') },
  { id: 'together', env: 'TOGETHER_API_KEY', provider: openAICompatible('https://api.together.xyz/v1') },
  {
    id: 'fireworks',
    env: 'FIREWORKS_API_KEY',
    provider: openAICompatible('https://api.fireworks.ai/inference/v1'),
  },
  { id: 'deepseek', env: 'DEEPSEEK_API_KEY', provider: openAICompatible('https://api.deepseek.com/v1') },
  { id: 'xai', env: 'XAI_API_KEY', provider: openAICompatible('https://api.x.ai/v1') },
  { id: 'openrouter', env: 'OPENROUTER_API_KEY', provider: openAICompatible('https://openrouter.ai/api/v1') },
  { id: 'perplexity', env: 'PERPLEXITY_API_KEY', provider: openAICompatible('https://api.perplexity.ai') },
];

function openAICompatible(base_url: string): ProviderInput {
  return { type: 'openai-compatible', base_url };
}

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
    providers[p.id] = { ...p.provider, api_key: apiKey } as ProviderInput;
    models[`${p.id}/*`] = { deployments: [{ provider: p.id }] };
  }
  return { providers, models };
}
