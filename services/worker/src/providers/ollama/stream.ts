import { GatewayError } from '@switchyard/contracts';
import type { ProviderCall, StreamEvent, StreamTranslator } from '../types.js';
import { isRecord } from '../is-record.js';
import { chunkEvent, usageEvent, type AnswerMeta, type OpenAIDelta } from '../openai-shapes.js';
import { toFinishReason } from './finish-reasons.js';
import { metaOf, toOllamaUsage, toOpenAIToolCall } from './response.js';
import { parseUpstreamObject } from '../upstream-json.js';

/**
 * Translates one Ollama stream (a JSON object per line) into OpenAI chunks. Text arrives in
 * pieces, tool calls whole; the last line (`done: true`) carries the reason and the counts,
 * which become the finish chunk, the usage chunk (forwarded only when asked for) and the end.
 */
export function createOllamaStreamTranslator(call: ProviderCall): StreamTranslator {
  let meta: AnswerMeta | undefined;
  let roleSent = false;
  let toolCalls = 0;

  return (event) => {
    let json: Record<string, unknown>;
    try {
      json = parseUpstreamObject(event.data, call.providerId);
    } catch (err) {
      return [{ kind: 'error', error: err as GatewayError }];
    }
    if (json['error'] !== undefined) {
      const said = typeof json['error'] === 'string' ? `: ${json['error']}` : '';
      const error = new GatewayError(
        'upstream_error',
        `Provider ${call.providerId} failed while streaming${said}`,
        {
          provider: call.providerId,
        },
      );
      return [{ kind: 'error', error }];
    }
    meta ??= metaOf(json, call.upstreamModel);
    const out: StreamEvent[] = [];
    const message = isRecord(json['message']) ? json['message'] : {};
    const delta: OpenAIDelta = {};
    if (typeof message['content'] === 'string' && message['content'] !== '')
      delta.content = message['content'];
    if (typeof message['thinking'] === 'string' && message['thinking'] !== '')
      delta['reasoning'] = message['thinking'];
    if (Array.isArray(message['tool_calls']) && message['tool_calls'].length > 0) {
      delta.tool_calls = message['tool_calls'].map((c) => ({ index: toolCalls++, ...toOpenAIToolCall(c) }));
    }
    if (!roleSent) {
      // The first chunk says who speaks, as OpenAI's does, even with nothing to say yet.
      out.push(chunkEvent(meta, { role: 'assistant', content: delta.tool_calls ? null : '', ...delta }));
      roleSent = true;
    } else if (Object.keys(delta).length > 0) {
      out.push(chunkEvent(meta, delta));
    }
    if (json['done'] === true) {
      out.push(chunkEvent(meta, {}, toFinishReason(json['done_reason'], toolCalls > 0)));
      out.push(usageEvent(meta, toOllamaUsage(json), call.includeUsage));
      out.push({ kind: 'done' });
    }
    return out;
  };
}
