import type { UsageSummary } from '@switchyard/bus';
import { isRecord } from '../is-record.js';

/** OpenAI's `usage` object, as the caller reads it in a completion or the final stream chunk. */
// A type alias, not an interface: it must fit the contracts' open (`looseObject`) Usage schema.
export type OpenAIUsage = {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; cache_write_tokens: number };
};

const count = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);

/**
 * Bedrock's `usage` ({inputTokens, outputTokens, totalTokens, cacheReadInputTokens,
 * cacheWriteInputTokens}) in OpenAI's terms. Bedrock counts cached prompt tokens apart from
 * `inputTokens`, while OpenAI's `prompt_tokens` includes them: both cache counts are added back,
 * so a cached prompt is never billed as a smaller one; reads are the spec's `cached_tokens`,
 * writes its `cache_write_tokens`. Undefined when Bedrock sent no usage.
 */
export function toOpenAIUsage(usage: unknown): OpenAIUsage | undefined {
  if (!isRecord(usage) || typeof usage['inputTokens'] !== 'number') return undefined;
  const cacheRead = count(usage['cacheReadInputTokens']);
  const cacheWrite = count(usage['cacheWriteInputTokens']);
  const prompt = count(usage['inputTokens']) + cacheRead + cacheWrite;
  const completion = count(usage['outputTokens']);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: Math.max(count(usage['totalTokens']), prompt + completion),
    prompt_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheWrite },
  };
}

/** The completion event's usage; cache writes apart, as Bedrock bills them above plain input. */
export const toUsageSummary = (usage: OpenAIUsage): UsageSummary => ({
  prompt_tokens: usage.prompt_tokens,
  completion_tokens: usage.completion_tokens,
  total_tokens: usage.total_tokens,
  cached_tokens: usage.prompt_tokens_details.cached_tokens,
  cache_creation_tokens: usage.prompt_tokens_details.cache_write_tokens,
});
