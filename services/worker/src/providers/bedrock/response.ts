import { randomUUID } from 'node:crypto';
import { GatewayError, type ChatCompletion, type ToolCall } from '@switchyard/contracts';
import type { UsageSummary } from '@switchyard/bus';
import { isRecord } from '../is-record.js';
import { toFinishReason } from './finish-reasons.js';
import { toOpenAIUsage, toUsageSummary } from './usage.js';
import { parseUpstreamJson } from '../upstream-json.js';

/** Bedrock answers carry no completion id (only a request id header): the gateway makes one. */
export const newCompletionId = (): string => `chatcmpl-${randomUUID().replaceAll('-', '')}`;

export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
}

export const newCompletionMeta = (model: string): CompletionMeta => ({
  id: newCompletionId(),
  created: Math.floor(Date.now() / 1000),
  model,
});

const blocksOf = (json: Record<string, unknown>): unknown[] => {
  const output = json['output'];
  const message = isRecord(output) ? output['message'] : undefined;
  const content = isRecord(message) ? message['content'] : undefined;
  return Array.isArray(content) ? content : [];
};

/**
 * A Converse answer (`output.message.content` of text and toolUse blocks, `stopReason`, `usage`)
 * as an OpenAI chat completion. Text blocks join into `content`; each toolUse becomes a tool call
 * with its input as JSON text. Reasoning blocks have no OpenAI field and are left out.
 */
export function fromConverseResponse(
  json: Record<string, unknown>,
  meta: CompletionMeta,
): { completion: ChatCompletion; usage: UsageSummary | undefined } {
  let text: string | null = null;
  const toolCalls: ToolCall[] = [];
  for (const block of blocksOf(json)) {
    if (!isRecord(block)) continue;
    if (typeof block['text'] === 'string') text = (text ?? '') + block['text'];
    const use = block['toolUse'];
    if (isRecord(use)) {
      toolCalls.push({
        id: String(use['toolUseId']),
        type: 'function',
        function: { name: String(use['name']), arguments: JSON.stringify(use['input'] ?? {}) },
      });
    }
  }
  const usage = toOpenAIUsage(json['usage']);
  const completion: ChatCompletion = {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: toFinishReason(json['stopReason']),
      },
    ],
    ...(usage ? { usage } : {}),
  };
  return { completion, usage: usage && toUsageSummary(usage) };
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A whole 2xx Converse answer as OpenAI completion bytes; `upstream_error` when it cannot be read. */
export function readConverseResponse(
  providerId: string,
  body: Uint8Array,
  model: string,
): { data: Uint8Array; usage: UsageSummary | undefined } {
  const json = parseUpstreamJson(decoder.decode(body), providerId);
  if (!isRecord(json) || !isRecord(json['output'])) {
    throw new GatewayError('upstream_error', `Provider ${providerId} sent an answer without output.`, {
      provider: providerId,
    });
  }
  const { completion, usage } = fromConverseResponse(json, newCompletionMeta(model));
  return { data: encoder.encode(JSON.stringify(completion)), usage };
}
