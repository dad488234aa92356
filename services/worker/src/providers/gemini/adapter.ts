import { createHttpAdapter } from '../../executor.js';
import type { HttpProtocol, ProviderAdapter } from '../types.js';
import { mapConnectionError } from '../openai-compatible/errors.js';
import { fromGeminiEmbeddings, toGeminiEmbeddingsRequest } from './embeddings.js';
import { mapGeminiError } from './errors.js';
import { toGeminiRequest, toGeminiTarget, type GeminiConfig } from './request.js';
import { readGeminiResponse } from './response.js';
import { createGeminiStreamTranslator } from './stream.js';

/**
 * Google's Gemini API (`generateContent`, `batchEmbedContents`), translated to and from OpenAI's
 * chat completions and embeddings.
 */
export function geminiProtocol(providerId: string, config: GeminiConfig): HttpProtocol {
  const target = toGeminiTarget(config);
  return {
    toRequest: (call) => toGeminiRequest(target, call),
    readResponse: (body, call) => readGeminiResponse(body, call),
    streamTranslator: (call) => createGeminiStreamTranslator(call),
    mapError: (failure) => mapGeminiError(providerId, failure),
    mapConnectionError: (err) => mapConnectionError(providerId, err),
    toEmbeddingsRequest: (call) => toGeminiEmbeddingsRequest(target, call),
    readEmbeddingsResponse: fromGeminiEmbeddings,
  };
}

export function createGeminiAdapter(providerId: string, config: GeminiConfig): ProviderAdapter {
  return createHttpAdapter({
    providerId,
    origin: new URL(config.base_url).origin,
    connections: config.connections,
    protocol: geminiProtocol(providerId, config),
  });
}
