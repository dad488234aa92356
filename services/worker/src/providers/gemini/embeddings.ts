import {
  checkVectorCount,
  isVector,
  parseEmbeddingsJson,
  parseTexts,
  toEmbeddingsAnswer,
  unreadableEmbeddings,
} from '../embeddings-answer.js';
import { isRecord } from '../is-record.js';
import type { HttpRequestSpec, ProviderCall } from '../types.js';
import { toModelPath, type GeminiTarget } from './request.js';

/** One entry of `batchEmbedContents`' `requests`: an EmbedContentRequest. */
export interface GeminiEmbedRequest {
  /** `models/…`, the same model as the URL's. */
  model: string;
  content: { parts: { text: string }[] };
  outputDimensionality?: number;
  taskType?: string;
  title?: string;
}

/**
 * `batchEmbedContents`' body: one request per input, each naming the model and carrying OpenAI's
 * `dimensions` as `outputDimensionality`. Gemini's own `task_type` (`RETRIEVAL_DOCUMENT`, …) and
 * `title`, when a caller sends them, go on every request; `user` has no effect.
 */
export function toGeminiEmbeddingsBody(call: ProviderCall): { requests: GeminiEmbedRequest[] } {
  const b = call.body;
  const model = /^(models|tunedModels)\//.test(call.upstreamModel)
    ? call.upstreamModel
    : `models/${call.upstreamModel}`;
  const options: Partial<GeminiEmbedRequest> = {};
  if (typeof b['dimensions'] === 'number') options.outputDimensionality = b['dimensions'];
  if (typeof b['task_type'] === 'string') options.taskType = b['task_type'];
  if (typeof b['title'] === 'string') options.title = b['title'];
  return {
    requests: parseTexts(b['input'], call.providerId).map((text) => ({
      model,
      content: { parts: [{ text }] },
      ...options,
    })),
  };
}

/** `POST {version}/models/{model}:batchEmbedContents`: every input in one call. */
export const toGeminiEmbeddingsRequest = (target: GeminiTarget, call: ProviderCall): HttpRequestSpec => ({
  path: `${target.versionPath}/${toModelPath(call.upstreamModel)}:batchEmbedContents`,
  headers: target.headers,
  body: JSON.stringify(toGeminiEmbeddingsBody(call)),
});

/**
 * `{embeddings:[{values}]}` as OpenAI's `CreateEmbeddingResponse`, one vector per input in order,
 * floats or (asked with `encoding_format: "base64"`) little-endian float32 in base64. Gemini
 * reports no token counts: OpenAI's schema requires numbers, so the answer says 0, and the
 * completion event carries no usage rather than a count the gateway made up.
 */
export function fromGeminiEmbeddings(bytes: Uint8Array, call: ProviderCall): { data: Uint8Array } {
  const json = parseEmbeddingsJson(bytes, call.providerId);
  const embeddings = isRecord(json) ? json['embeddings'] : undefined;
  if (!Array.isArray(embeddings) || !embeddings.every((e) => isRecord(e) && isVector(e['values']))) {
    throw unreadableEmbeddings(call.providerId);
  }
  checkVectorCount(embeddings.length, call);
  const vectors = (embeddings as { values: number[] }[]).map(({ values }) => values);
  return { data: toEmbeddingsAnswer(call, { vectors, model: call.upstreamModel }).data };
}
