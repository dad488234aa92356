import type { Usage } from '@switchyard/contracts';
import { isRecord } from '../is-record.js';
import {
  newCompletionId,
  newToolCallId,
  toEpochSeconds,
  toOpenAIUsage,
  type AnswerMeta,
} from '../openai-shapes.js';
import { toFinishReason } from './finish-reasons.js';
import { parseUpstreamObject } from '../upstream-json.js';

const decoder = new TextDecoder();

/** An Ollama tool call (arguments an object, whole) as OpenAI's (arguments JSON text). */
export function toOpenAIToolCall(call: unknown): {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
} {
  const c = isRecord(call) ? call : {};
  const fn = isRecord(c['function']) ? c['function'] : {};
  return {
    id: typeof c['id'] === 'string' && c['id'] !== '' ? c['id'] : newToolCallId(),
    type: 'function',
    function: { name: String(fn['name'] ?? ''), arguments: JSON.stringify(fn['arguments'] ?? {}) },
  };
}

/** Ollama's counts as OpenAI's usage: `prompt_eval_count` in, `eval_count` out. */
export function toOllamaUsage(json: Record<string, unknown>): Usage {
  const count = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);
  return toOpenAIUsage(count(json['prompt_eval_count']), count(json['eval_count']));
}

export const metaOf = (json: Record<string, unknown>, fallbackModel: string): AnswerMeta => ({
  id: newCompletionId(),
  created: toEpochSeconds(json['created_at']),
  model: typeof json['model'] === 'string' ? json['model'] : fallbackModel,
});

/** A whole `/api/chat` answer as an OpenAI chat completion. */
export function fromOllamaResponse(body: Uint8Array, providerId: string, upstreamModel: string) {
  const json = parseUpstreamObject(decoder.decode(body), providerId);
  const message = isRecord(json['message']) ? json['message'] : {};
  const calls = Array.isArray(message['tool_calls']) ? message['tool_calls'].map(toOpenAIToolCall) : [];
  const content = typeof message['content'] === 'string' ? message['content'] : '';
  const out: Record<string, unknown> = {
    role: 'assistant',
    content: content === '' && calls.length > 0 ? null : content,
    refusal: null, // OpenAI's schema requires it
  };
  if (typeof message['thinking'] === 'string' && message['thinking'] !== '')
    out['reasoning'] = message['thinking'];
  if (calls.length > 0) out['tool_calls'] = calls;
  const meta = metaOf(json, upstreamModel);
  const usage = toOllamaUsage(json);
  const completion = {
    ...meta,
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: out,
        logprobs: null,
        finish_reason: toFinishReason(json['done_reason'], calls.length > 0),
      },
    ],
    usage,
  };
  return { completion, usage };
}
