import { createHttpAdapter } from '../../executor.js';
import type { HttpProtocol, ProviderAdapter } from '../types.js';
import { mapConnectionError } from '../openai-compatible/errors.js';
import { fromMistralEmbeddings, toMistralEmbeddingsRequest } from './embeddings.js';
import { mapMistralError } from './errors.js';
import { toMistralRequest, toMistralTarget, type MistralConfig } from './request.js';
import { fromMistralResponse } from './response.js';
import { createMistralStreamTranslator } from './stream.js';

/**
 * Mistral's chat completions: OpenAI's wire format with Mistral's names (`random_seed`,
 * `tool_choice: any`), its strict field checks, finish reasons and error bodies; and its
 * embeddings (`output_dimension`, floats re-encoded as base64 when asked).
 */
export function mistralProtocol(providerId: string, config: MistralConfig): HttpProtocol {
  const target = toMistralTarget(config);
  const policy = { providerId, dropParams: config.drop_params };
  return {
    toRequest: (call) => toMistralRequest(target, policy, call),
    readResponse: (body) => fromMistralResponse(body, providerId),
    streamTranslator: createMistralStreamTranslator,
    mapError: (failure) => mapMistralError(providerId, failure),
    mapConnectionError: (err) => mapConnectionError(providerId, err),
    toEmbeddingsRequest: (call) => toMistralEmbeddingsRequest(target, policy, call),
    readEmbeddingsResponse: fromMistralEmbeddings,
  };
}

export function createMistralAdapter(providerId: string, config: MistralConfig): ProviderAdapter {
  return createHttpAdapter({
    providerId,
    origin: new URL(config.base_url).origin,
    connections: config.connections,
    protocol: mistralProtocol(providerId, config),
  });
}
