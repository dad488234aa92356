import { isGatewayError } from '@switchyard/contracts';
import type { UsageSummary } from '@switchyard/bus';
import { isRecord } from '../is-record.js';
import { newCompletionId, nowSeconds } from '../openai-shapes.js';
import { toUsageSummary } from '../usage-summary.js';
import { readFinishReason } from './finish-reasons.js';
import { toCohereUsage } from './usage.js';
import { parseUpstreamObject } from '../upstream-json.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Cohere's content items as the answer's text and, for a reasoning model, its thinking. */
function readContent(content: unknown): { text: string; thinking: string } {
  let text = '';
  let thinking = '';
  for (const item of Array.isArray(content) ? content.filter(isRecord) : []) {
    if (item['type'] === 'text' && typeof item['text'] === 'string') text += item['text'];
    if (item['type'] === 'thinking' && typeof item['thinking'] === 'string') thinking += item['thinking'];
  }
  return { text, thinking };
}

/**
 * A whole `/v2/chat` answer as an OpenAI chat completion: the text (or, for an answer that
 * only calls tools, Cohere's `tool_plan`) as content, tool calls as they are, usage from
 * `tokens`. Cohere names no model and no time: the upstream model and now stand in.
 */
export function fromCohereResponse(
  body: Uint8Array,
  providerId: string,
  upstreamModel: string,
): { data: Uint8Array; usage?: UsageSummary | undefined } {
  const json = parseUpstreamObject(decoder.decode(body), providerId);
  const finish = readFinishReason(json['finish_reason'], providerId);
  if (isGatewayError(finish)) throw finish;
  const message = isRecord(json['message']) ? json['message'] : {};
  const { text, thinking } = readContent(message['content']);
  const calls = Array.isArray(message['tool_calls']) ? message['tool_calls'].filter(isRecord) : [];
  const plan = typeof message['tool_plan'] === 'string' ? message['tool_plan'] : '';
  const out: Record<string, unknown> = {
    role: 'assistant',
    content: text !== '' ? text : calls.length > 0 ? plan || null : '',
    refusal: null, // OpenAI's schema requires it
  };
  if (thinking !== '') out['reasoning'] = thinking;
  if (calls.length > 0) {
    out['tool_calls'] = calls.map((c) => {
      const fn = isRecord(c['function']) ? c['function'] : {};
      return {
        id: c['id'],
        type: 'function',
        function: { name: fn['name'], arguments: fn['arguments'] ?? '{}' },
      };
    });
  }
  const usage = toCohereUsage(json['usage']);
  const completion = {
    id: typeof json['id'] === 'string' ? json['id'] : newCompletionId(),
    object: 'chat.completion',
    created: nowSeconds(),
    model: upstreamModel,
    choices: [{ index: 0, message: out, logprobs: null, finish_reason: finish }],
    usage,
  };
  return { data: encoder.encode(JSON.stringify(completion)), usage: toUsageSummary(usage) };
}
