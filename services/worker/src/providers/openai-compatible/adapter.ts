import { createHttpAdapter } from '../../executor.js';
import type { HttpProtocol, ProviderAdapter } from '../types.js';
import { readOpenAIEmbeddingsUsage } from './embeddings.js';
import { mapConnectionError, mapOpenAIError } from './errors.js';
import {
  toOpenAIEmbeddingsRequest,
  toOpenAIRequest,
  toOpenAITarget,
  type OpenAICompatibleConfig,
} from './request.js';
import { readOpenAIUsage } from './response.js';
import { readOpenAIStreamEvent } from './stream.js';

/** OpenAI and every API that copies it (Groq, Together, vLLM, Ollama, …): config over one protocol. */
export function openAICompatibleProtocol(providerId: string, config: OpenAICompatibleConfig): HttpProtocol {
  const target = toOpenAITarget(config);
  return {
    toRequest: (call) => toOpenAIRequest(target, call),
    // OpenAI's own format: the answer's bytes are forwarded as they came, read only for usage.
    readResponse: (body) => ({ data: body, usage: readOpenAIUsage(providerId, body) }),
    streamTranslator: (call) => (event) => [readOpenAIStreamEvent(event.data, call)],
    mapError: (failure) => mapOpenAIError(providerId, failure),
    mapConnectionError: (err) => mapConnectionError(providerId, err),
    toEmbeddingsRequest: (call) => toOpenAIEmbeddingsRequest(target, call),
    // Passed through as they came (floats or base64, as the caller asked), read only for usage.
    readEmbeddingsResponse: (body) => ({ data: body, usage: readOpenAIEmbeddingsUsage(providerId, body) }),
  };
}

export function createOpenAICompatibleAdapter(
  providerId: string,
  config: OpenAICompatibleConfig,
): ProviderAdapter {
  return createHttpAdapter({
    providerId,
    origin: new URL(config.base_url).origin,
    connections: config.connections,
    protocol: openAICompatibleProtocol(providerId, config),
  });
}
