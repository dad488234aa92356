import {
  type EmbeddingsAnswer,
  checkVectorCount,
  isVector,
  parseEmbeddingsJson,
  parseTexts,
  toEmbeddingsAnswer,
  unreadableEmbeddings,
} from '../embeddings-answer.js';
import { isCount } from '../is-count.js';
import { isRecord } from '../is-record.js';
import type { HttpRequestSpec, ProviderCall } from '../types.js';
import type { CohereTarget } from './request.js';

/** Cohere's own `/v2/embed` options, passed as they are when a caller sends them. */
const NATIVE = ['truncate', 'max_tokens', 'priority'];

/**
 * The `/v2/embed` body for an OpenAI embeddings request. Cohere requires an `input_type`: the
 * caller's (Cohere's own field) or `search_document`, what OpenAI-style callers embed most.
 * Floats are always asked for; base64 is encoded by the gateway, as OpenAI encodes it.
 */
export function toCohereEmbedBody(call: ProviderCall): Record<string, unknown> {
  const b = call.body;
  const body: Record<string, unknown> = {
    model: call.upstreamModel,
    texts: parseTexts(b['input'], call.providerId),
    input_type: typeof b['input_type'] === 'string' ? b['input_type'] : 'search_document',
    embedding_types: ['float'],
  };
  if (b['dimensions'] !== undefined) body['output_dimension'] = b['dimensions'];
  for (const key of NATIVE) if (b[key] !== undefined) body[key] = b[key];
  return body;
}

export const toCohereEmbedRequest = (target: CohereTarget, call: ProviderCall): HttpRequestSpec => ({
  path: target.embedPath,
  headers: target.headers,
  body: JSON.stringify(toCohereEmbedBody(call)),
});

/**
 * Cohere's answer (`{id, embeddings: {float: [[…]]}, texts, meta: {billed_units}}`) as OpenAI's
 * `CreateEmbeddingResponse`: one vector per text in order, floats or little-endian float32 in
 * base64; usage from the billed input tokens.
 */
export function fromCohereEmbed(bytes: Uint8Array, call: ProviderCall): EmbeddingsAnswer {
  const json = parseEmbeddingsJson(bytes, call.providerId);
  const embeddings = isRecord(json) && isRecord(json['embeddings']) ? json['embeddings']['float'] : undefined;
  if (!Array.isArray(embeddings) || !embeddings.every(isVector)) throw unreadableEmbeddings(call.providerId);
  checkVectorCount(embeddings.length, call);
  const meta = isRecord(json) && isRecord(json['meta']) ? json['meta'] : {};
  const billed = isRecord(meta['billed_units']) ? meta['billed_units']['input_tokens'] : undefined;
  return toEmbeddingsAnswer(call, {
    vectors: embeddings,
    model: call.upstreamModel,
    promptTokens: isCount(billed) ? billed : undefined,
  });
}
