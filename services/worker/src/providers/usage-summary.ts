import type { UsageSummary } from '@switchyard/bus';
import { isCount } from './is-count.js';

/**
 * The event's usage from an OpenAI-shaped `usage` object; undefined when absent or malformed, so
 * a provider's odd usage never fails a request that succeeded.
 */
export function toUsageSummary(usage: unknown): UsageSummary | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const u = usage as Record<string, unknown>;
  const prompt = u['prompt_tokens'];
  const completion = u['completion_tokens'];
  if (!isCount(prompt) || !isCount(completion)) return undefined;
  const total = isCount(u['total_tokens']) ? u['total_tokens'] : prompt + completion;
  const summary: UsageSummary = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: total };
  const details = u['prompt_tokens_details'];
  const cached =
    typeof details === 'object' && details !== null
      ? (details as Record<string, unknown>)['cached_tokens']
      : undefined;
  if (isCount(cached)) summary.cached_tokens = cached;
  return summary;
}
