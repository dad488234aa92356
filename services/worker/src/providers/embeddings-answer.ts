import { GatewayError } from '@switchyard/contracts';
import type { UsageSummary } from '@switchyard/bus';
import { isCount } from './is-count.js';
import type { ProviderCall } from './types.js';

/**
 * OpenAI embeddings shapes for adapters that translate a provider's own format: the texts of a
 * request, reading the provider's answer, and OpenAI's `CreateEmbeddingResponse` built one way.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const isVector = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/**
 * The texts of an OpenAI `input` as the caller sent them (a string or an array of strings);
 * token arrays are refused with a 400 naming `input`: the provider embeds text only.
 */
export function parseTextInput(input: unknown, providerId: string): string | string[] {
  if (typeof input === 'string') return input;
  if (Array.isArray(input) && input.every((v) => typeof v === 'string')) return input as string[];
  throw new GatewayError(
    'invalid_request',
    `Provider ${providerId} embeds text only: send 'input' as a string or an array of strings, not token ids.`,
    { param: 'input', provider: providerId },
  );
}

/** The texts of an OpenAI `input`, one per vector to come, as {@link parseTextInput} checks them. */
export const parseTexts = (input: unknown, providerId: string): string[] =>
  [parseTextInput(input, providerId)].flat();

/** The upstream error for an embeddings answer the gateway cannot read. */
export const unreadableEmbeddings = (providerId: string, cause?: unknown): GatewayError =>
  new GatewayError('upstream_error', `Provider ${providerId} sent an embeddings answer it cannot read.`, {
    provider: providerId,
    cause,
  });

/** The provider's answer as JSON; text that is not JSON is an upstream error. */
export function parseEmbeddingsJson(bytes: Uint8Array, providerId: string): unknown {
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch (cause) {
    throw unreadableEmbeddings(providerId, cause);
  }
}

/** One vector per input: any other count would pair vectors with the wrong texts. */
export function checkVectorCount(count: number, call: ProviderCall): void {
  if (count !== parseTexts(call.body['input'], call.providerId).length) {
    throw unreadableEmbeddings(call.providerId);
  }
}

/** Little-endian float32 bytes in base64, as OpenAI sends `encoding_format: "base64"`. */
export function toBase64Vector(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((x, i) => bytes.writeFloatLE(x, i * 4));
  return bytes.toString('base64');
}

/** What a provider's embeddings answer says, read into the parts OpenAI's answer is made of. */
export interface UpstreamEmbeddings {
  /** The vectors, in the provider's order. */
  vectors: readonly number[][];
  /** The index the provider gave each vector, where it gives one; otherwise its position. */
  indexes?: readonly unknown[];
  model: string;
  /** Input tokens as the provider counted them; absent when it does not say. */
  promptTokens?: number | undefined;
  /** Total tokens, when the provider says; otherwise the prompt tokens. */
  totalTokens?: number | undefined;
}

/** OpenAI's embeddings answer as bytes for the caller, and its usage for metering. */
export interface EmbeddingsAnswer {
  data: Uint8Array;
  usage: UsageSummary | undefined;
}

/**
 * OpenAI's `CreateEmbeddingResponse`: the vectors as floats or (asked with
 * `encoding_format: "base64"`) little-endian float32 in base64; usage without completion tokens,
 * 0 in the answer when the provider counts none, and then no usage for metering rather than a
 * count the gateway made up.
 */
export function toEmbeddingsAnswer(call: ProviderCall, upstream: UpstreamEmbeddings): EmbeddingsAnswer {
  const base64 = call.body['encoding_format'] === 'base64';
  const { indexes, promptTokens: prompt } = upstream;
  const total = upstream.totalTokens ?? prompt;
  const answer = {
    object: 'list',
    data: upstream.vectors.map((vector, i) => {
      const index = indexes?.[i];
      return {
        object: 'embedding',
        index: isCount(index) ? index : i,
        embedding: base64 ? toBase64Vector(vector) : vector,
      };
    }),
    model: upstream.model,
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
