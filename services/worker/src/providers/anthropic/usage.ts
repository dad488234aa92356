import type { UsageSummary } from '@switchyard/bus';
import { isRecord } from '../is-record.js';

/** Anthropic's token counts, as `message.usage` and the stream's events carry them. */
export interface AnthropicTokens {
  input: number;
  cacheCreation: number;
  cacheRead: number;
  output: number;
  /** `output_tokens_details.thinking_tokens`, when the API reports it. */
  thinking: number | undefined;
}

/** OpenAI's `usage` object, as a completion or the final stream chunk carries it (a type, to fit `Usage`). */
export type OpenAIUsage = {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
};

const count = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;

/**
 * Reads an Anthropic `usage` object over what is known so far: a stream reports input tokens in
 * `message_start` and may repeat them (cumulative totals) in `message_delta`, so present fields
 * overwrite and absent ones keep their value.
 */
export function readAnthropicTokens(usage: unknown, known: AnthropicTokens = EMPTY): AnthropicTokens {
  if (!isRecord(usage)) return known;
  const details = isRecord(usage['output_tokens_details']) ? usage['output_tokens_details'] : {};
  return {
    input: count(usage['input_tokens']) ?? known.input,
    cacheCreation: count(usage['cache_creation_input_tokens']) ?? known.cacheCreation,
    cacheRead: count(usage['cache_read_input_tokens']) ?? known.cacheRead,
    output: count(usage['output_tokens']) ?? known.output,
    thinking: count(details['thinking_tokens']) ?? known.thinking,
  };
}

const EMPTY: AnthropicTokens = { input: 0, cacheCreation: 0, cacheRead: 0, output: 0, thinking: undefined };

/**
 * OpenAI counts every prompt token in `prompt_tokens`; Anthropic splits them into uncached input,
 * cache writes and cache reads. Summed back, with the reads as `cached_tokens` and the writes as
 * the spec's `cache_write_tokens` (billed at a premium, so pricing can tell them apart).
 */
export function toOpenAIUsage(t: AnthropicTokens): OpenAIUsage {
  const prompt = t.input + t.cacheCreation + t.cacheRead;
  return {
    prompt_tokens: prompt,
    completion_tokens: t.output,
    total_tokens: prompt + t.output,
    prompt_tokens_details: { cached_tokens: t.cacheRead, cache_write_tokens: t.cacheCreation },
    ...(t.thinking === undefined ? {} : { completion_tokens_details: { reasoning_tokens: t.thinking } }),
  };
}

/**
 * The completion event's usage. Cache writes go in `cache_creation_tokens` (they are inside
 * `prompt_tokens` too): Anthropic bills them above the plain input price.
 */
export function toUsageSummary(usage: OpenAIUsage): UsageSummary {
  return {
    prompt_tokens: usage.prompt_tokens,
    completion_tokens: usage.completion_tokens,
    total_tokens: usage.total_tokens,
    cached_tokens: usage.prompt_tokens_details.cached_tokens,
    cache_creation_tokens: usage.prompt_tokens_details.cache_write_tokens,
  };
}
