import type { FinishReason } from '@switchyard/contracts';

/**
 * Gemini's `finishReason` → OpenAI's `finish_reason`: the one table. Every block by a filter
 * (safety, recitation, blocklists, PII, images) is `content_filter`, so callers can tell a refusal
 * from an answer; failed tool calls end as `stop` with no call, since OpenAI has no reason for them.
 */
export const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  // The per-request token limit cut the answer short: to the caller that is a length stop.
  CONTINUATION: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
  IMAGE_PROHIBITED_CONTENT: 'content_filter',
  IMAGE_RECITATION: 'content_filter',
  LANGUAGE: 'stop',
  OTHER: 'stop',
  FINISH_REASON_UNSPECIFIED: 'stop',
  MALFORMED_FUNCTION_CALL: 'stop',
  UNEXPECTED_TOOL_CALL: 'stop',
  TOO_MANY_TOOL_CALLS: 'stop',
  NO_IMAGE: 'stop',
  IMAGE_OTHER: 'stop',
};

/**
 * The OpenAI finish reason of one candidate. Gemini ends a turn that calls functions with STOP;
 * OpenAI callers wait for `tool_calls` before running them. A reason added to Gemini after this
 * table reads as `stop` rather than failing an answer that arrived.
 */
export function toFinishReason(reason: string, calledTools: boolean): FinishReason {
  const mapped = FINISH_REASONS[reason] ?? 'stop';
  return calledTools && mapped === 'stop' && reason === 'STOP' ? 'tool_calls' : mapped;
}

/** A prompt Gemini refused to answer at all (`promptFeedback.blockReason`), whatever the reason. */
export const BLOCKED_PROMPT: FinishReason = 'content_filter';
