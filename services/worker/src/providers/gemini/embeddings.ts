import { GatewayError } from '@switchyard/contracts';
import { toBase64Vector } from '../demo/demo-embeddings.js';
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

/** The texts of an OpenAI `input`; token arrays are refused: Gemini embeds text only. */
function textsOf(input: unknown, providerId: string): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.every((v) => typeof v === 'string')) return input as string[];
  throw new GatewayError(
    'invalid_request',
    `Provider ${providerId} embeds text only: send 'input' as a string or an array of strings, not token ids.`,
    { param: 'input', provider: providerId },
  );
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
    requests: textsOf(b['input'], call.providerId).map((text) => ({
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

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const isVector = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/**
 * `{embeddings:[{values}]}` as OpenAI's `CreateEmbeddingResponse`, one vector per input in order,
 * floats or (asked with `encoding_format: "base64"`) little-endian float32 in base64. Gemini
 * reports no token counts: OpenAI's schema requires numbers, so the answer says 0, and the
 * completion event carries no usage rather than a count the gateway made up.
 */
export function fromGeminiEmbeddings(bytes: Uint8Array, call: ProviderCall): { data: Uint8Array } {
  const broken = (cause?: unknown) =>
    new GatewayError(
      'upstream_error',
      `Provider ${call.providerId} sent an embeddings answer it cannot read.`,
      {
        provider: call.providerId,
        cause,
      },
    );
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(bytes));
  } catch (cause) {
    throw broken(cause);
  }
  const embeddings = isRecord(json) ? json['embeddings'] : undefined;
  if (!Array.isArray(embeddings) || !embeddings.every((e) => isRecord(e) && isVector(e['values']))) {
    throw broken();
  }
  // One vector per input, in order: any other count would pair vectors with the wrong texts.
  if (embeddings.length !== textsOf(call.body['input'], call.providerId).length) throw broken();
  const base64 = call.body['encoding_format'] === 'base64';
  const answer = {
    object: 'list',
    data: (embeddings as { values: number[] }[]).map(({ values }, index) => ({
      object: 'embedding',
      index,
      embedding: base64 ? toBase64Vector(values) : values,
    })),
    model: call.upstreamModel,
    usage: { prompt_tokens: 0, total_tokens: 0 },
  };
  return { data: encoder.encode(JSON.stringify(answer)) };
}
