import type { FinishReason } from '@switchyard/contracts';

/**
 * Anthropic's `stop_reason` → OpenAI's `finish_reason`: the one table both whole answers and
 * streams read. `pause_turn` (a server tool paused a long turn) ends this answer normally: the
 * caller continues by sending it back. A reason this table does not know yet reads as `stop`.
 */
export const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

export const toFinishReason = (stopReason: unknown): FinishReason =>
  (typeof stopReason === 'string' ? FINISH_REASONS[stopReason] : undefined) ?? 'stop';
