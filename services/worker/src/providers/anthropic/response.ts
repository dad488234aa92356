import { GatewayError, type ChatCompletion } from '@switchyard/contracts';
import type { UsageSummary } from '@switchyard/bus';
import { isRecord } from '../is-record.js';
import { toFinishReason } from './finish-reasons.js';
import { readAnthropicTokens, toOpenAIUsage, toUsageSummary, type OpenAIUsage } from './usage.js';
import { parseUpstreamJson } from '../upstream-json.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * An Anthropic `message` as an OpenAI chat completion: text blocks joined into `content`,
 * `tool_use` blocks as `tool_calls` (input as a JSON string), the stop reason through the
 * table. Thinking and server-tool blocks have no place in OpenAI's message and are left out.
 * `created` is the gateway's clock: Anthropic's message has no timestamp.
 */
export function fromAnthropicMessage(
  message: Record<string, unknown>,
  created: number,
): ChatCompletion & { usage: OpenAIUsage } {
  const blocks = Array.isArray(message['content']) ? message['content'].filter(isRecord) : [];
  const text = blocks
    .filter((b) => b['type'] === 'text' && typeof b['text'] === 'string')
    .map((b) => b['text'] as string)
    .join('');
  const toolCalls = blocks
    .filter((b) => b['type'] === 'tool_use')
    .map((b) => ({
      id: String(b['id']),
      type: 'function' as const,
      function: { name: String(b['name']), arguments: JSON.stringify(b['input'] ?? {}) },
    }));
  return {
    id: String(message['id']),
    object: 'chat.completion',
    created,
    model: String(message['model']),
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text === '' && toolCalls.length > 0 ? null : text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: toFinishReason(message['stop_reason']),
      },
    ],
    usage: toOpenAIUsage(readAnthropicTokens(message['usage'])),
  };
}

/** A whole 2xx answer: the completion's bytes and its usage; `upstream_error` when unreadable. */
export function readAnthropicResponse(
  providerId: string,
  body: Uint8Array,
  created: number,
): { data: Uint8Array; usage: UsageSummary } {
  const json = parseUpstreamJson(decoder.decode(body), providerId);
  if (!isRecord(json) || json['type'] !== 'message' || !Array.isArray(json['content'])) {
    throw new GatewayError('upstream_error', `Provider ${providerId} sent an answer that is not a message.`, {
      provider: providerId,
    });
  }
  const completion = fromAnthropicMessage(json, created);
  return { data: encoder.encode(JSON.stringify(completion)), usage: toUsageSummary(completion.usage) };
}
