import { createHttpAdapter } from '../../executor.js';
import type { HttpProtocol, ProviderAdapter } from '../types.js';
import { mapConnectionError } from '../openai-compatible/errors.js';
import { mapAnthropicError } from './errors.js';
import { toAnthropicRequest, toAnthropicTarget, type AnthropicConfig } from './request.js';
import { readAnthropicResponse } from './response.js';
import { createAnthropicStreamTranslator } from './stream.js';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Anthropic's Messages API (`POST /v1/messages`), translated both ways from OpenAI's format. */
export function anthropicProtocol(providerId: string, config: AnthropicConfig): HttpProtocol {
  const target = toAnthropicTarget(providerId, config);
  return {
    toRequest: (call) => toAnthropicRequest(target, call),
    readResponse: (body) => readAnthropicResponse(providerId, body, nowSeconds()),
    streamTranslator: (call) => createAnthropicStreamTranslator(call, nowSeconds()),
    streamFraming: 'sse',
    mapError: (failure) => mapAnthropicError(providerId, failure),
    mapConnectionError: (err) => mapConnectionError(providerId, err),
  };
}

export function createAnthropicAdapter(providerId: string, config: AnthropicConfig): ProviderAdapter {
  return createHttpAdapter({
    providerId,
    origin: new URL(config.base_url).origin,
    connections: config.connections,
    protocol: anthropicProtocol(providerId, config),
  });
}
