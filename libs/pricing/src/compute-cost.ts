/** List prices of one model, in USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  /** Input tokens read from the provider's prompt cache; priced as `input` when absent. */
  cached_read?: number | undefined;
  /** Input tokens written to the provider's prompt cache; priced as `input` when absent. */
  cache_write?: number | undefined;
}

/**
 * Token counts as the completion event carries them. OpenAI's convention: `prompt_tokens`
 * counts every input token, the ones read from or written to a prompt cache included.
 */
export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  /** Part of `prompt_tokens` read from the prompt cache. */
  cached_tokens?: number | undefined;
  /** Part of `prompt_tokens` written to the prompt cache. */
  cache_creation_tokens?: number | undefined;
}

const TOKENS_PER_PRICE_UNIT = 1_000_000;
/** Cost is kept to a trillionth of a dollar: finer than any token's price, free of float noise. */
const PRECISION = 1e12;

/**
 * The cost in USD of one request's usage at `price`. Cached tokens are priced at `cached_read`
 * and cache-creation tokens at `cache_write`, and neither again at the input price.
 */
export function computeCost(usage: TokenUsage, price: ModelPrice): number {
  const cached = usage.cached_tokens ?? 0;
  const written = usage.cache_creation_tokens ?? 0;
  // A provider that counts cache tokens outside prompt_tokens must not make the rest negative.
  const uncached = Math.max(0, usage.prompt_tokens - cached - written);
  const micro =
    uncached * price.input +
    cached * (price.cached_read ?? price.input) +
    written * (price.cache_write ?? price.input) +
    usage.completion_tokens * price.output;
  return Math.round((micro / TOKENS_PER_PRICE_UNIT) * PRECISION) / PRECISION;
}
