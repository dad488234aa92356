import { GatewayError } from '@switchyard/contracts';
import type { UsageSummary } from '@switchyard/bus';
import { toBase64Vector } from '../demo/demo-embeddings.js';
import { isRecord } from '../is-record.js';
import type { HttpRequestSpec, ProviderCall } from '../types.js';
import type { CohereTarget } from './request.js';

/** Cohere's own `/v2/embed` options, passed as they are when a caller sends them. */
const NATIVE = ['truncate', 'max_tokens', 'priority'];

/** The texts of an OpenAI `input`; token arrays are refused: Cohere embeds text only. */
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
 * The `/v2/embed` body for an OpenAI embeddings request. Cohere requires an `input_type`: the
 * caller's (Cohere's own field) or `search_document`, what OpenAI-style callers embed most.
 * Floats are always asked for; base64 is encoded by the gateway, as OpenAI encodes it.
 */
export function toCohereEmbedBody(call: ProviderCall): Record<string, unknown> {
  const b = call.body;
  const body: Record<string, unknown> = {
    model: call.upstreamModel,
    texts: textsOf(b['input'], call.providerId),
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

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isVector = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/**
 * Cohere's answer (`{id, embeddings: {float: [[…]]}, texts, meta: {billed_units}}`) as OpenAI's
 * `CreateEmbeddingResponse`: one vector per text in order, floats or little-endian float32 in
 * base64; usage from the billed input tokens.
 */
export function fromCohereEmbed(
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
  const embeddings = isRecord(json) && isRecord(json['embeddings']) ? json['embeddings']['float'] : undefined;
  if (!Array.isArray(embeddings) || !embeddings.every(isVector)) throw broken();
  // One vector per input, in order: any other count would pair vectors with the wrong texts.
  if (embeddings.length !== textsOf(call.body['input'], call.providerId).length) throw broken();
  const base64 = call.body['encoding_format'] === 'base64';
  const meta = isRecord(json) && isRecord(json['meta']) ? json['meta'] : {};
  const billed = isRecord(meta['billed_units']) ? meta['billed_units']['input_tokens'] : undefined;
  const tokens = isCount(billed) ? billed : undefined;
  const answer = {
    object: 'list',
    data: embeddings.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: base64 ? toBase64Vector(vector) : vector,
    })),
    model: call.upstreamModel,
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
