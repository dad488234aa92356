import { createHttpAdapter } from '../../executor.js';
import type { HttpProtocol, ProviderAdapter } from '../types.js';
import { mapConnectionError } from '../openai-compatible/errors.js';
import { readOpenAIEmbeddingsUsage } from '../openai-compatible/embeddings.js';
import { readOpenAIUsage } from '../openai-compatible/response.js';
import { mapAzureError } from './errors.js';
import {
  toAzureEmbeddingsRequest,
  toAzureRequest,
  toAzureTarget,
  type AzureOpenAIConfig,
} from './request.js';
import { readAzureStreamEvent } from './stream.js';

/**
 * Azure OpenAI: OpenAI's wire format at a deployment-scoped URL with an `api-key` header. The
 * answer's bytes pass through as Azure sent them (content-filter annotations included).
 */
export function azureOpenAIProtocol(providerId: string, config: AzureOpenAIConfig): HttpProtocol {
  const target = toAzureTarget(config);
  return {
    toRequest: (call) => toAzureRequest(target, call),
    readResponse: (body) => ({ data: body, usage: readOpenAIUsage(providerId, body) }),
    streamTranslator: (call) => (event) => [readAzureStreamEvent(event.data, call)],
    mapError: (failure) => mapAzureError(providerId, failure),
    mapConnectionError: (err) => mapConnectionError(providerId, err),
    toEmbeddingsRequest: (call) => toAzureEmbeddingsRequest(target, call),
    // OpenAI's embeddings answer: its bytes pass through (floats or base64), read only for usage.
    readEmbeddingsResponse: (body) => ({ data: body, usage: readOpenAIEmbeddingsUsage(providerId, body) }),
  };
}

export function createAzureOpenAIAdapter(providerId: string, config: AzureOpenAIConfig): ProviderAdapter {
  return createHttpAdapter({
    providerId,
    origin: new URL(config.base_url).origin,
    connections: config.connections,
    protocol: azureOpenAIProtocol(providerId, config),
  });
}
