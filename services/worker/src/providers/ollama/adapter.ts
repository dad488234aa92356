import { createHttpAdapter } from '../../executor.js';
import type { HttpProtocol, ProviderAdapter } from '../types.js';
import { mapConnectionError, mapOpenAIError } from '../openai-compatible/errors.js';
import { toUsageSummary } from '../usage-summary.js';
import { fromOllamaEmbed, toOllamaEmbedRequest } from './embeddings.js';
import { fromOllamaResponse } from './response.js';
import { toOllamaRequest, toOllamaTarget, type OllamaConfig } from './request.js';
import { createOllamaStreamTranslator } from './stream.js';

const encoder = new TextEncoder();

/**
 * Ollama's native `/api/chat` (its own messages, options and newline-delimited JSON stream) and
 * `/api/embed`. Its errors are `{"error":"…"}` with an HTTP status, which the OpenAI error
 * mapping reads as is.
 */
export function ollamaProtocol(providerId: string, config: OllamaConfig): HttpProtocol {
  const target = toOllamaTarget(config);
  const policy = { providerId, dropParams: config.drop_params };
  return {
    toRequest: (call) => toOllamaRequest(target, policy, call),
    readResponse: (body, call) => {
      const { completion, usage } = fromOllamaResponse(body, providerId, call.upstreamModel);
      return { data: encoder.encode(JSON.stringify(completion)), usage: toUsageSummary(usage) };
    },
    streamTranslator: createOllamaStreamTranslator,
    streamFraming: 'ndjson',
    mapError: (failure) => mapOpenAIError(providerId, failure),
    mapConnectionError: (err) => mapConnectionError(providerId, err),
    toEmbeddingsRequest: (call) => toOllamaEmbedRequest(target, call),
    readEmbeddingsResponse: fromOllamaEmbed,
  };
}

export function createOllamaAdapter(providerId: string, config: OllamaConfig): ProviderAdapter {
  return createHttpAdapter({
    providerId,
    origin: new URL(config.base_url).origin,
    connections: config.connections,
    protocol: ollamaProtocol(providerId, config),
  });
}
