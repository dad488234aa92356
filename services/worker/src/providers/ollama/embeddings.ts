import { GatewayError } from '@switchyard/contracts';
import type { UsageSummary } from '@switchyard/bus';
import { toBase64Vector } from '../demo/demo-embeddings.js';
import { isRecord } from '../is-record.js';
import type { HttpRequestSpec, ProviderCall } from '../types.js';
import type { OllamaTarget } from './request.js';

/** Ollama's own `/api/embed` options, passed as they are when a caller sends them. */
const NATIVE = ['truncate', 'keep_alive', 'options'];

/** The texts of an OpenAI `input`; token arrays are refused: Ollama's `/api/embed` takes text. */
function textsOf(input: unknown, providerId: string): string | string[] {
  if (typeof input === 'string') return input;
  if (Array.isArray(input) && input.every((v) => typeof v === 'string')) return input as string[];
  throw new GatewayError(
    'invalid_request',
    `Provider ${providerId} embeds text only: send 'input' as a string or an array of strings, not token ids.`,
    { param: 'input', provider: providerId },
  );
}

/** The `/api/embed` body for an OpenAI embeddings request: `input` and `dimensions` keep their names. */
export function toOllamaEmbedBody(call: ProviderCall): Record<string, unknown> {
  const b = call.body;
  const body: Record<string, unknown> = {
    model: call.upstreamModel,
    input: textsOf(b['input'], call.providerId),
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

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isVector = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/**
 * Ollama's answer (`{model, embeddings: [[…]], prompt_eval_count, …}`) as OpenAI's
 * `CreateEmbeddingResponse`: one vector per input in order, floats or little-endian float32 in
 * base64; usage from `prompt_eval_count`.
 */
export function fromOllamaEmbed(
  bytes: Uint8Array,
  call: ProviderCall,
): { data: Uint8Array; usage: UsageSummary | undefined } {
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
  if (!isRecord(json) || !Array.isArray(embeddings) || !embeddings.every(isVector)) throw broken();
  // One vector per input, in order: any other count would pair vectors with the wrong texts.
  if (embeddings.length !== [textsOf(call.body['input'], call.providerId)].flat().length) throw broken();
  const base64 = call.body['encoding_format'] === 'base64';
  const tokens = isCount(json['prompt_eval_count']) ? json['prompt_eval_count'] : undefined;
  const answer = {
    object: 'list',
    data: embeddings.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: base64 ? toBase64Vector(vector) : vector,
    })),
    model: typeof json['model'] === 'string' ? json['model'] : call.upstreamModel,
    usage: { prompt_tokens: tokens ?? 0, total_tokens: tokens ?? 0 },
  };
  return {
    data: encoder.encode(JSON.stringify(answer)),
    usage:
      tokens === undefined
        ? undefined
        : { prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens },
  };
}
