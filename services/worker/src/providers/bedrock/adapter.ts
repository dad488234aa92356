import { createHttpAdapter } from '../../executor.js';
import { mapConnectionError } from '../openai-compatible/errors.js';
import type { HttpProtocol, ProviderAdapter } from '../types.js';
import { fromTitanEmbeddings, toBedrockEmbeddingsRequest } from './embeddings.js';
import { mapBedrockError } from './errors.js';
import { toBedrockRequest, toBedrockTarget, type BedrockConfig, type BedrockTarget } from './http-request.js';
import { readConverseResponse } from './response.js';
import { createConverseStreamTranslator } from './stream.js';

/**
 * AWS Bedrock's Converse API: OpenAI chat completions in, Converse (SigV4-signed) out, and back;
 * and embeddings from Amazon Titan Text Embeddings v2 through InvokeModel.
 */
export function bedrockProtocol(providerId: string, target: BedrockTarget): HttpProtocol {
  return {
    toRequest: (call) => toBedrockRequest(target, call),
    readResponse: (body, call) => readConverseResponse(providerId, body, call.upstreamModel),
    streamTranslator: (call) => createConverseStreamTranslator(call),
    streamFraming: 'aws-eventstream',
    mapError: (failure) => mapBedrockError(providerId, failure),
    mapConnectionError: (err) => mapConnectionError(providerId, err),
    toEmbeddingsRequest: (call) => toBedrockEmbeddingsRequest(target, call),
    readEmbeddingsResponse: fromTitanEmbeddings,
  };
}

export function createBedrockAdapter(providerId: string, config: BedrockConfig): ProviderAdapter {
  const target = toBedrockTarget(config);
  return createHttpAdapter({
    providerId,
    origin: target.origin,
    connections: config.connections,
    protocol: bedrockProtocol(providerId, target),
  });
}
