import type { Usage } from '@switchyard/contracts';
import type { GeminiUsage } from './wire.js';

const count = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);

/**
 * Gemini's `usageMetadata` as OpenAI's `usage`. Thinking tokens are billed as output, so they
 * count in `completion_tokens` (and are broken out as `reasoning_tokens`), as OpenAI counts its
 * reasoning models; tool-use prompt tokens are billed as input. Undefined when absent; a count
 * that is absent is zero, as Gemini's JSON leaves zero counts out.
 */
export function toOpenAIUsage(usage: GeminiUsage | undefined): Usage | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const prompt = count(usage.promptTokenCount) + count(usage.toolUsePromptTokenCount);
  const reasoning = count(usage.thoughtsTokenCount);
  const completion = count(usage.candidatesTokenCount) + reasoning;
  const total = count(usage.totalTokenCount) || prompt + completion;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: total,
    prompt_tokens_details: { cached_tokens: count(usage.cachedContentTokenCount) },
    completion_tokens_details: { reasoning_tokens: reasoning },
  };
}
