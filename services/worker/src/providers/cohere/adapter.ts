import { createHttpAdapter } from '../../executor.js';
import type { HttpProtocol, ProviderAdapter } from '../types.js';
import { mapConnectionError } from '../openai-compatible/errors.js';
import { fromCohereEmbed, toCohereEmbedRequest } from './embeddings.js';
import { mapCohereError } from './errors.js';
import { toCohereRequest, toCohereTarget, type CohereConfig } from './request.js';
import { fromCohereResponse } from './response.js';
import { createCohereStreamTranslator } from './stream.js';

/**
 * Cohere's v2 chat API (its own messages, tool plan, typed stream events and usage) and its
 * v2 embed API.
 */
export function cohereProtocol(providerId: string, config: CohereConfig): HttpProtocol {
  const target = toCohereTarget(config);
  const policy = { providerId, dropParams: config.drop_params };
  return {
    toRequest: (call) => toCohereRequest(target, policy, call),
    readResponse: (body, call) => fromCohereResponse(body, providerId, call.upstreamModel),
    streamTranslator: createCohereStreamTranslator,
    mapError: (failure) => mapCohereError(providerId, failure),
    mapConnectionError: (err) => mapConnectionError(providerId, err),
    toEmbeddingsRequest: (call) => toCohereEmbedRequest(target, call),
    readEmbeddingsResponse: fromCohereEmbed,
  };
}

export function createCohereAdapter(providerId: string, config: CohereConfig): ProviderAdapter {
  return createHttpAdapter({
    providerId,
    origin: new URL(config.base_url).origin,
    connections: config.connections,
    protocol: cohereProtocol(providerId, config),
  });
}
