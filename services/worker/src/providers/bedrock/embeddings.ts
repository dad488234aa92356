import { GatewayError } from '@switchyard/contracts';
import {
  type EmbeddingsAnswer,
  isVector,
  parseEmbeddingsJson,
  toEmbeddingsAnswer,
  unreadableEmbeddings,
} from '../embeddings-answer.js';
import { isCount } from '../is-count.js';
import { isRecord } from '../is-record.js';
import type { HttpRequestSpec, ProviderCall } from '../types.js';
import { toSignedModelRequest, type BedrockTarget } from './http-request.js';

/** Amazon Titan Text Embeddings v2's `InvokeModel` body. */
export interface TitanEmbeddingsRequest {
  inputText: string;
  /** 256, 512 or 1024 (the default); Bedrock refuses others. */
  dimensions?: number;
  normalize: boolean;
}

/**
 * The one text of an OpenAI `input`. Titan embeds one text per `InvokeModel` call and the
 * gateway makes one upstream call per request, so more than one text is refused rather than
 * half-served: a caller sends one request per text. Token ids are refused: Titan embeds text.
 */
function textOf(input: unknown, providerId: string): string {
  if (typeof input === 'string') return input;
  if (Array.isArray(input) && input.length === 1 && typeof input[0] === 'string') return input[0];
  const refuse = (why: string) =>
    new GatewayError('invalid_request', `Provider ${providerId} ${why}`, {
      param: 'input',
      provider: providerId,
    });
  if (Array.isArray(input) && input.every((v) => typeof v === 'string')) {
    throw refuse(
      `embeds one text per request (Titan's InvokeModel takes one): send 'input' as a string or an array of one string, ` +
        `not ${input.length}.`,
    );
  }
  throw refuse("embeds text only: send 'input' as a string, not token ids.");
}

/** The Titan body: the text, OpenAI's `dimensions` as they are, and unit vectors, as OpenAI's are. */
export function toTitanEmbeddingsRequest(call: ProviderCall): TitanEmbeddingsRequest {
  const request: TitanEmbeddingsRequest = {
    inputText: textOf(call.body['input'], call.providerId),
    normalize: true,
  };
  const dimensions = call.body['dimensions'];
  if (typeof dimensions === 'number') request.dimensions = dimensions;
  return request;
}

/** `POST {base}/model/{modelId}/invoke`, signed like every Bedrock call. */
export const toBedrockEmbeddingsRequest = (
  target: BedrockTarget,
  call: ProviderCall,
  now?: Date,
): Promise<HttpRequestSpec> =>
  toSignedModelRequest(
    target,
    call.upstreamModel,
    'invoke',
    JSON.stringify(toTitanEmbeddingsRequest(call)),
    now,
  );

/**
 * Titan's answer (`{embedding, inputTextTokenCount}`) as OpenAI's `CreateEmbeddingResponse` of one
 * vector, floats or little-endian float32 in base64; usage from `inputTextTokenCount`.
 */
export function fromTitanEmbeddings(bytes: Uint8Array, call: ProviderCall): EmbeddingsAnswer {
  const json = parseEmbeddingsJson(bytes, call.providerId);
  if (!isRecord(json) || !isVector(json['embedding'])) throw unreadableEmbeddings(call.providerId);
  return toEmbeddingsAnswer(call, {
    vectors: [json['embedding']],
    model: call.upstreamModel,
    promptTokens: isCount(json['inputTextTokenCount']) ? json['inputTextTokenCount'] : undefined,
  });
}
