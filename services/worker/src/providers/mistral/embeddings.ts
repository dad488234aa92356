import { GatewayError } from '@switchyard/contracts';
import {
  type EmbeddingsAnswer,
  checkVectorCount,
  isVector,
  parseEmbeddingsJson,
  parseTextInput,
  toEmbeddingsAnswer,
  unreadableEmbeddings,
} from '../embeddings-answer.js';
import { isCount } from '../is-count.js';
import { isRecord } from '../is-record.js';
import type { HttpRequestSpec, ProviderCall } from '../types.js';
import type { ParamPolicy } from '../unsupported-params.js';
import type { MistralTarget } from './request.js';

/**
 * OpenAI's fields that are mapped (`dimensions` → `output_dimension`), answered here
 * (`encoding_format`: Mistral is always asked for floats, base64 is encoded by the gateway) or
 * have no effect (`user`). Any other field passes through for Mistral to judge, as in chat: its
 * own `output_dtype` and `metadata` work, and an unknown one gets Mistral's 422 naming it.
 */
const HANDLED = new Set(['model', 'input', 'dimensions', 'encoding_format', 'user']);

/** The `/v1/embeddings` body Mistral accepts for an OpenAI embeddings request. */
export function toMistralEmbeddingsBody(call: ProviderCall, policy: ParamPolicy): Record<string, unknown> {
  const b = call.body;
  const body: Record<string, unknown> = {
    model: call.upstreamModel,
    input: parseTextInput(b['input'], policy.providerId),
  };
  for (const [key, value] of Object.entries(b)) {
    if (!HANDLED.has(key) && value !== undefined && value !== null) body[key] = value;
  }
  // OpenAI's name wins over a native `output_dimension`, as elsewhere.
  if (b['dimensions'] !== undefined) body['output_dimension'] = b['dimensions'];
  const dtype = body['output_dtype'];
  if (b['encoding_format'] === 'base64' && dtype !== undefined && dtype !== 'float') {
    // OpenAI's base64 is float32 bytes: integers or bits from Mistral cannot be said that way.
    throw new GatewayError(
      'invalid_request',
      `Provider ${policy.providerId} cannot send output_dtype '${String(dtype)}' as base64, which is float32 ` +
        "bytes: ask for encoding_format 'float'.",
      { param: 'encoding_format', provider: policy.providerId },
    );
  }
  return body;
}

export const toMistralEmbeddingsRequest = (
  target: MistralTarget,
  policy: ParamPolicy,
  call: ProviderCall,
): HttpRequestSpec => ({
  path: target.embeddingsPath,
  headers: target.headers,
  body: JSON.stringify(toMistralEmbeddingsBody(call, policy)),
});

/**
 * Mistral's answer (`{id, object, data:[{object, embedding, index}], model, usage}`) as OpenAI's
 * `CreateEmbeddingResponse`: the same vectors in Mistral's order, as floats or (asked with
 * `encoding_format: "base64"`) little-endian float32 in base64; usage without completion tokens.
 */
export function fromMistralEmbeddings(bytes: Uint8Array, call: ProviderCall): EmbeddingsAnswer {
  const json = parseEmbeddingsJson(bytes, call.providerId);
  const items = isRecord(json) && Array.isArray(json['data']) ? json['data'] : undefined;
  if (!isRecord(json) || !items || !items.every((d) => isRecord(d) && isVector(d['embedding']))) {
    throw unreadableEmbeddings(call.providerId);
  }
  checkVectorCount(items.length, call);
  const vectors = items as { embedding: number[]; index?: unknown }[];
  const u = isRecord(json['usage']) ? json['usage'] : {};
  return toEmbeddingsAnswer(call, {
    vectors: vectors.map((d) => d.embedding),
    indexes: vectors.map((d) => d.index),
    model: typeof json['model'] === 'string' ? json['model'] : call.upstreamModel,
    promptTokens: isCount(u['prompt_tokens']) ? u['prompt_tokens'] : undefined,
    totalTokens: isCount(u['total_tokens']) ? u['total_tokens'] : undefined,
  });
}
