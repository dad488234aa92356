import { GatewayError, isGatewayError } from '@switchyard/contracts';
import type { ProviderCall, StreamEvent, StreamTranslator } from '../types.js';
import { isRecord } from '../is-record.js';
import {
  chunkEvent,
  newCompletionId,
  nowSeconds,
  usageEvent,
  type AnswerMeta,
  type OpenAIDelta,
} from '../openai-shapes.js';
import { readFinishReason } from './finish-reasons.js';
import { toCohereUsage } from './usage.js';
import { parseUpstreamObject } from '../upstream-json.js';

/** `delta.message` of a Cohere stream event, or an empty object. */
const messageOf = (json: Record<string, unknown>): Record<string, unknown> => {
  const delta = isRecord(json['delta']) ? json['delta'] : {};
  return isRecord(delta['message']) ? delta['message'] : {};
};

/**
 * Translates one Cohere v2 stream (typed SSE events) into OpenAI chunks: text and tool-plan
 * deltas become content, each tool call gets the next index (its start carries id and name,
 * its deltas the arguments), and `message-end` gives the finish, the usage and the end.
 */
export function createCohereStreamTranslator(call: ProviderCall): StreamTranslator {
  const meta: AnswerMeta = { id: newCompletionId(), created: nowSeconds(), model: call.upstreamModel };
  let toolCalls = 0;

  return (event) => {
    if (event.data === '[DONE]' || event.data.trim() === '') return [];
    let json: Record<string, unknown>;
    try {
      json = parseUpstreamObject(event.data, call.providerId);
    } catch (err) {
      return [{ kind: 'error', error: err as GatewayError }];
    }
    const type = typeof json['type'] === 'string' ? json['type'] : event.event;
    const message = messageOf(json);
    switch (type) {
      case 'message-start':
        if (typeof json['id'] === 'string') meta.id = json['id'];
        return [chunkEvent(meta, { role: 'assistant', content: '' })];
      case 'content-start':
      case 'content-delta': {
        const content = isRecord(message['content']) ? message['content'] : {};
        const delta: OpenAIDelta = {};
        if (typeof content['text'] === 'string' && content['text'] !== '') delta.content = content['text'];
        if (typeof content['thinking'] === 'string' && content['thinking'] !== '')
          delta['reasoning'] = content['thinking'];
        return Object.keys(delta).length > 0 ? [chunkEvent(meta, delta)] : [];
      }
      case 'tool-plan-delta':
        return typeof message['tool_plan'] === 'string'
          ? [chunkEvent(meta, { content: message['tool_plan'] })]
          : [];
      case 'tool-call-start': {
        const tc = isRecord(message['tool_calls']) ? message['tool_calls'] : {};
        const fn = isRecord(tc['function']) ? tc['function'] : {};
        const index = toolCalls++;
        const head = {
          index,
          id: String(tc['id']),
          type: 'function' as const,
          function: { name: String(fn['name']), arguments: String(fn['arguments'] ?? '') },
        };
        return [chunkEvent(meta, { tool_calls: [head] })];
      }
      case 'tool-call-delta': {
        const tc = isRecord(message['tool_calls']) ? message['tool_calls'] : {};
        const args = isRecord(tc['function']) ? tc['function']['arguments'] : undefined;
        if (typeof args !== 'string' || args === '') return [];
        return [chunkEvent(meta, { tool_calls: [{ index: toolCalls - 1, function: { arguments: args } }] })];
      }
      case 'message-end':
        return end(json, meta, call);
      case undefined:
        // No event type: an error body in place of an event.
        return [{ kind: 'error', error: streamError(call.providerId, json) }];
      default: // content-end, tool-call-end, citations, debug: nothing for the caller
        return [];
    }
  };
}

function end(json: Record<string, unknown>, meta: AnswerMeta, call: ProviderCall): StreamEvent[] {
  const delta = isRecord(json['delta']) ? json['delta'] : {};
  const finish = readFinishReason(delta['finish_reason'], call.providerId, delta['error']);
  if (isGatewayError(finish)) return [{ kind: 'error', error: finish }];
  return [
    chunkEvent(meta, {}, finish),
    usageEvent(meta, toCohereUsage(delta['usage']), call.includeUsage),
    { kind: 'done' },
  ];
}

function streamError(providerId: string, json: Record<string, unknown>): GatewayError {
  const said = typeof json['message'] === 'string' ? `: ${json['message']}` : '';
  return new GatewayError('upstream_error', `Provider ${providerId} failed while streaming${said}`, {
    provider: providerId,
  });
}
