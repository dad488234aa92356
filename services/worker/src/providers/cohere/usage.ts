import type { Usage } from '@switchyard/contracts';
import { isRecord } from '../is-record.js';
import { toOpenAIUsage } from '../openai-shapes.js';

const count = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;

/**
 * Cohere's usage as OpenAI's. `tokens` counts what the model read and wrote; `billed_units`
 * leaves out the system prompt and tool scaffolding Cohere adds, so it is the fallback only.
 */
export function toCohereUsage(usage: unknown): Usage {
  const u = isRecord(usage) ? usage : {};
  const tokens = isRecord(u['tokens']) ? u['tokens'] : {};
  const billed = isRecord(u['billed_units']) ? u['billed_units'] : {};
  const input = count(tokens['input_tokens']) ?? count(billed['input_tokens']) ?? 0;
  const output = count(tokens['output_tokens']) ?? count(billed['output_tokens']) ?? 0;
  const cached = count(u['cached_tokens']);
  return toOpenAIUsage(input, output, cached === undefined ? {} : { cached });
}
