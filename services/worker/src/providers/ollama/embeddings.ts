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
import type { OllamaTarget } from './request.js';

/** Ollama's own `/api/embed` options, passed as they are when a caller sends them. */
const NATIVE = ['truncate', 'keep_alive', 'options'];

/** The `/api/embed` body for an OpenAI embeddings request: `input` and `dimensions` keep their names. */
export function toOllamaEmbedBody(call: ProviderCall): Record<string, unknown> {
  const b = call.body;
  const body: Record<string, unknown> = {
    model: call.upstreamModel,
    input: parseTextInput(b['input'], call.providerId),
  };
  if (b['dimensions'] !== undefined) body['dimensions'] = b['dimensions'];
  for (const key of NATIVE) if (b[key] !== undefined) body[key] = b[key];
  return body;
}

export const toOllamaEmbedRequest = (target: OllamaTarget, call: ProviderCall): HttpRequestSpec => ({
  path: target.embedPath,
  headers: target.headers,
  body: JSON.stringify(toOllamaEmbedBody(call)),
});

/**
 * Ollama's answer (`{model, embeddings: [[…]], prompt_eval_count, …}`) as OpenAI's
 * `CreateEmbeddingResponse`: one vector per input in order, floats or little-endian float32 in
 * base64; usage from `prompt_eval_count`.
 */
export function fromOllamaEmbed(bytes: Uint8Array, call: ProviderCall): EmbeddingsAnswer {
  const json = parseEmbeddingsJson(bytes, call.providerId);
  const embeddings = isRecord(json) ? json['embeddings'] : undefined;
  if (!isRecord(json) || !Array.isArray(embeddings) || !embeddings.every(isVector))
    throw unreadableEmbeddings(call.providerId);
  checkVectorCount(embeddings.length, call);
  return toEmbeddingsAnswer(call, {
    vectors: embeddings,
    model: typeof json['model'] === 'string' ? json['model'] : call.upstreamModel,
    promptTokens: isCount(json['prompt_eval_count']) ? json['prompt_eval_count'] : undefined,
  });
}
