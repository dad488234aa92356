import type { FinishReason } from '@switchyard/contracts';

/**
 * Mistral's `finish_reason` → OpenAI's: the one table. `model_length` (the model's context is
 * full) is a cut answer like `length`. `error` (the generation failed) has no OpenAI reason: it
 * is an error, and the answer is refused as one (`undefined` here).
 */
const FINISH_REASONS: Readonly<Record<string, FinishReason | undefined>> = {
  stop: 'stop',
  length: 'length',
  model_length: 'length',
  tool_calls: 'tool_calls',
  error: undefined,
};

export const isFailedFinish = (reason: unknown): boolean => reason === 'error';

export function toFinishReason(reason: unknown): FinishReason | null {
  if (reason === null || reason === undefined) return null;
  return FINISH_REASONS[String(reason)] ?? 'stop';
}
