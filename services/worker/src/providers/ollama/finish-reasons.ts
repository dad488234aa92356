import type { FinishReason } from '@switchyard/contracts';

/** Ollama's `done_reason` → OpenAI's `finish_reason`: the one table. */
const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  stop: 'stop',
  length: 'length',
  // A request with no messages loads or unloads the model and answers nothing.
  load: 'stop',
  unload: 'stop',
};

/** Ollama says `stop` after tool calls too: an answer that called tools finished for them. */
export function toFinishReason(doneReason: unknown, calledTools: boolean): FinishReason {
  if (calledTools) return 'tool_calls';
  return (typeof doneReason === 'string' ? FINISH_REASONS[doneReason] : undefined) ?? 'stop';
}
