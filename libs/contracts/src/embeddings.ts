import { z } from 'zod';

/**
 * The canonical embeddings request is OpenAI's `POST /v1/embeddings` body. As with chat, fields
 * we do not know pass through untouched (a provider's `input_type`, for one).
 */

/** OpenAI's limit on the number of inputs in one request. */
export const MAX_EMBEDDING_INPUTS = 2048;

const Text = z.string().min(1);
const Tokens = z.array(z.int().min(0)).min(1).max(MAX_EMBEDDING_INPUTS);

export const EmbeddingsInput = z.union([
  Text,
  z.array(Text).min(1).max(MAX_EMBEDDING_INPUTS),
  Tokens,
  z.array(Tokens).min(1).max(MAX_EMBEDDING_INPUTS),
]);
export type EmbeddingsInput = z.infer<typeof EmbeddingsInput>;

export const EncodingFormat = z.enum(['float', 'base64']);
export type EncodingFormat = z.infer<typeof EncodingFormat>;

export const EmbeddingsRequest = z.looseObject({
  model: z.string().min(1),
  input: EmbeddingsInput,
  encoding_format: EncodingFormat.optional(),
  dimensions: z.int().min(1).optional(),
  user: z.string().optional(),
});
export type EmbeddingsRequest = z.infer<typeof EmbeddingsRequest>;

export const Embedding = z.looseObject({
  object: z.literal('embedding'),
  index: z.int().min(0),
  /** Floats, or with `encoding_format: "base64"` the little-endian float32 bytes in base64. */
  embedding: z.union([z.array(z.number()), z.string()]),
});
export type Embedding = z.infer<typeof Embedding>;

export const EmbeddingsResponse = z.looseObject({
  object: z.literal('list'),
  data: z.array(Embedding),
  model: z.string(),
  usage: z.looseObject({ prompt_tokens: z.int().min(0), total_tokens: z.int().min(0) }),
});
export type EmbeddingsResponse = z.infer<typeof EmbeddingsResponse>;
