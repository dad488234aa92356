import type { ProviderConfig } from '@switchyard/config';
import { createDemoAdapter } from './demo/adapter.js';
import { createOpenAICompatibleAdapter } from './openai-compatible/adapter.js';
import { createAzureOpenAIAdapter } from './azure-openai/adapter.js';
import { createOllamaAdapter } from './ollama/adapter.js';
import { createMistralAdapter } from './mistral/adapter.js';
import { createCohereAdapter } from './cohere/adapter.js';
import { createBedrockAdapter } from './bedrock/adapter.js';
import { createGeminiAdapter } from './gemini/adapter.js';
import { createAnthropicAdapter } from './anthropic/adapter.js';
import type { ProviderAdapter } from './types.js';

type ProviderType = ProviderConfig['type'];
type AdapterFactory<T extends ProviderType> = (
  providerId: string,
  config: Extract<ProviderConfig, { type: T }>,
) => ProviderAdapter;

/** Provider type → adapter factory: the one list to extend with a new wire format. */
export const ADAPTERS: { readonly [T in ProviderType]?: AdapterFactory<T> } = {
  demo: createDemoAdapter,
  'openai-compatible': createOpenAICompatibleAdapter,
  'azure-openai': createAzureOpenAIAdapter,
  ollama: createOllamaAdapter,
  mistral: createMistralAdapter,
  cohere: createCohereAdapter,
  bedrock: createBedrockAdapter,
  gemini: createGeminiAdapter,
  anthropic: createAnthropicAdapter,
};

export function createAdapter(providerId: string, config: ProviderConfig): ProviderAdapter {
  const factory = ADAPTERS[config.type] as AdapterFactory<typeof config.type> | undefined;
  if (!factory) {
    throw new Error(
      `Provider "${providerId}" has type "${config.type}", which this worker does not support yet.`,
    );
  }
  return factory(providerId, config);
}
