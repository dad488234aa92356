import type { GatewayError } from '@switchyard/contracts';
import type { UpstreamFailure } from '../types.js';
import { isRecord } from '../is-record.js';
import { mapOpenAIError } from '../openai-compatible/errors.js';

const TOO_MANY_TOKENS = /too many tokens/i;

/**
 * Cohere's errors are `{id, message}` with an HTTP status (400, 401, 404, 422, 429, 498 for a
 * bad token, 499, 500, 503…), mapped by status as OpenAI's are. A prompt over the model's limit
 * ("too many tokens: …") is marked `context_length_exceeded`; an invalid token (498) is the
 * gateway's credentials, as 401 is.
 */
export function mapCohereError(providerId: string, failure: UpstreamFailure): GatewayError {
  let message: unknown;
  try {
    const json: unknown = JSON.parse(failure.body);
    message = isRecord(json) ? json['message'] : undefined;
  } catch {
    return mapOpenAIError(providerId, failure);
  }
  const status = failure.status === 498 ? 401 : failure.status;
  const code =
    typeof message === 'string' && TOO_MANY_TOKENS.test(message) ? 'context_length_exceeded' : null;
  const error = { message: typeof message === 'string' ? message : undefined, code };
  return mapOpenAIError(providerId, { ...failure, status, body: JSON.stringify({ error }) });
}
