import { GatewayError } from '@switchyard/contracts';
import type { UsageSummary } from '@switchyard/bus';
import { toBase64Vector } from '../demo/demo-embeddings.js';
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

/** The texts of an OpenAI `input`; token arrays are refused: Mistral embeds text only. */
function textsOf(input: unknown, providerId: string): string | string[] {
  if (typeof input === 'string') return input;
  if (Array.isArray(input) && input.every((v) => typeof v === 'string')) return input as string[];
  throw new GatewayError(
    'invalid_request',
    `Provider ${providerId} embeds text only: send 'input' as a string or an array of strings, not token ids.`,
    { param: 'input', provider: providerId },
  );
}

/** The `/v1/embeddings` body Mistral accepts for an OpenAI embeddings request. */
export function toMistralEmbeddingsBody(call: ProviderCall, policy: ParamPolicy): Record<string, unknown> {
  const b = call.body;
  const body: Record<string, unknown> = {
    model: call.upstreamModel,
    input: textsOf(b['input'], policy.providerId),
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

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isVector = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/**
 * Mistral's answer (`{id, object, data:[{object, embedding, index}], model, usage}`) as OpenAI's
 * `CreateEmbeddingResponse`: the same vectors in Mistral's order, as floats or (asked with
 * `encoding_format: "base64"`) little-endian float32 in base64; usage without completion tokens.
 */
export function fromMistralEmbeddings(
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
  const items = isRecord(json) && Array.isArray(json['data']) ? json['data'] : undefined;
  if (!isRecord(json) || !items || !items.every((d) => isRecord(d) && isVector(d['embedding']))) {
    throw broken();
  }
  // One vector per input: any other count would pair vectors with the wrong texts.
  if (items.length !== [textsOf(call.body['input'], call.providerId)].flat().length) throw broken();
  const base64 = call.body['encoding_format'] === 'base64';
  const data = (items as { embedding: number[]; index?: unknown }[]).map((d, i) => ({
    object: 'embedding',
    index: isCount(d.index) ? d.index : i,
    embedding: base64 ? toBase64Vector(d.embedding) : d.embedding,
  }));
  const u = isRecord(json['usage']) ? json['usage'] : {};
  const prompt = isCount(u['prompt_tokens']) ? u['prompt_tokens'] : undefined;
  const total = isCount(u['total_tokens']) ? u['total_tokens'] : prompt;
  const answer = {
    object: 'list',
    data,
    model: typeof json['model'] === 'string' ? json['model'] : call.upstreamModel,
    usage: { prompt_tokens: prompt ?? 0, total_tokens: total ?? 0 },
  };
  return {
    data: encoder.encode(JSON.stringify(answer)),
    usage:
      prompt === undefined
        ? undefined
        : { prompt_tokens: prompt, completion_tokens: 0, total_tokens: total ?? prompt },
  };
}
