import { randomBytes } from 'node:crypto';
import type { FinishReason, Usage } from '@switchyard/contracts';
import type { StreamEvent } from './types.js';
import { toUsageSummary } from './usage-summary.js';

/**
 * OpenAI chat-completion shapes for adapters that translate a provider's own format: the
 * fields every chunk of one answer shares, the chunks and the usage chunk, built one way.
 */
export interface AnswerMeta {
  id: string;
  created: number;
  model: string;
}

export const newCompletionId = (): string => `chatcmpl-${randomBytes(12).toString('hex')}`;
export const newToolCallId = (): string => `call_${randomBytes(12).toString('base64url')}`;
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Epoch seconds of an ISO time, or now when it is absent or unreadable. */
export function toEpochSeconds(iso: unknown): number {
  const ms = typeof iso === 'string' ? Date.parse(iso) : NaN;
  return Number.isNaN(ms) ? nowSeconds() : Math.floor(ms / 1000);
}

export interface OpenAIToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments?: string };
}

export interface OpenAIDelta {
  role?: 'assistant';
  content?: string | null;
  tool_calls?: OpenAIToolCallDelta[];
  [field: string]: unknown;
}

/** One `chat.completion.chunk` with a single choice, as JSON text. */
export function toChunkData(
  meta: AnswerMeta,
  delta: OpenAIDelta,
  finish: FinishReason | null = null,
): string {
  return JSON.stringify({
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
}

/** A chunk event the caller gets. */
export const chunkEvent = (
  meta: AnswerMeta,
  delta: OpenAIDelta,
  finish: FinishReason | null = null,
): StreamEvent => ({
  kind: 'chunk',
  data: toChunkData(meta, delta, finish),
  forward: true,
});

/**
 * The usage-only last chunk (no choices): always read for metering, forwarded only when the
 * caller asked with `stream_options.include_usage`.
 */
export function usageEvent(meta: AnswerMeta, usage: Usage, includeUsage: boolean): StreamEvent {
  const data = JSON.stringify({
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    choices: [],
    usage,
  });
  const summary = toUsageSummary(usage);
  return { kind: 'chunk', data, forward: includeUsage, ...(summary ? { usage: summary } : {}) };
}

/** OpenAI's usage object from a provider's counts; details only where the provider reports them. */
export function toOpenAIUsage(
  prompt: number,
  completion: number,
  details: { cached?: number; reasoning?: number } = {},
): Usage {
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  if (details.cached !== undefined) usage.prompt_tokens_details = { cached_tokens: details.cached };
  if (details.reasoning !== undefined)
    usage.completion_tokens_details = { reasoning_tokens: details.reasoning };
  return usage;
}
