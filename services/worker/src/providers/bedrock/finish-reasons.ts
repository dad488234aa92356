import type { FinishReason } from '@switchyard/contracts';

/**
 * Bedrock's `stopReason` → OpenAI's `finish_reason`: the one table both whole answers and streams
 * read, so they can never disagree. A reason Bedrock adds later reads as `stop` until listed here.
 */
const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  tool_use: 'tool_calls',
  max_tokens: 'length',
  // The answer was cut because the context filled up: to the caller, like hitting max_tokens.
  model_context_window_exceeded: 'length',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
  // The model ended its turn with output Bedrock could not parse: it stopped, not cut short.
  malformed_model_output: 'stop',
  malformed_tool_use: 'tool_calls',
};

export const toFinishReason = (stopReason: unknown): FinishReason =>
  (typeof stopReason === 'string' && Object.hasOwn(FINISH_REASONS, stopReason)
    ? FINISH_REASONS[stopReason]
    : undefined) ?? 'stop';
