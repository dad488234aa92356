import { GatewayError } from '@switchyard/contracts';
import type { ProviderCall, StreamEvent, StreamTranslator } from '../types.js';
import { isRecord } from '../is-record.js';
import { toUsageSummary } from '../usage-summary.js';
import { isFailedFinish, toFinishReason } from './finish-reasons.js';
import { toOpenAIMessage } from './message.js';
import { failedGeneration } from './response.js';

// Cheap scans pick the chunks that need reshaping; plain text chunks (most of them) are
// forwarded as the text they came as. A quote inside a JSON string is escaped, so answer text
// cannot match these.
const NEEDS_RESHAPING =
  /"tool_calls"\s*:\s*\[|"finish_reason"\s*:\s*"|"usage"\s*:\s*\{|"content"\s*:\s*\[|"error"/;

/**
 * Translates Mistral's stream: OpenAI's chunk format, except that tool calls, finish reasons,
 * content chunks and usage need reshaping. Mistral sends usage on its last chunk unasked (it
 * takes no `stream_options`): it is metered always, and given to the caller as OpenAI's separate
 * usage chunk only when asked for.
 */
export function createMistralStreamTranslator(call: ProviderCall): StreamTranslator {
  return ({ data }) => {
    if (data === '[DONE]') return [{ kind: 'done' }];
    if (data.trim() === '') return [{ kind: 'chunk', data, forward: false }];
    if (!NEEDS_RESHAPING.test(data)) return [{ kind: 'chunk', data, forward: true }];
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return [{ kind: 'chunk', data, forward: true }];
    }
    if (!isRecord(json)) return [{ kind: 'chunk', data, forward: true }];
    if (!Array.isArray(json['choices']))
      return [{ kind: 'error', error: streamError(call.providerId, json) }];
    const choices = json['choices'].filter(isRecord);
    if (choices.some((c) => isFailedFinish(c['finish_reason']))) {
      return [{ kind: 'error', error: failedGeneration(call.providerId) }];
    }
    const { usage, ...envelope } = json;
    const out: StreamEvent[] = [];
    if (choices.length > 0) {
      const reshaped = choices.map((c) => ({
        index: c['index'],
        delta: toOpenAIMessage(isRecord(c['delta']) ? c['delta'] : {}, true),
        logprobs: null,
        finish_reason: toFinishReason(c['finish_reason']),
      }));
      out.push({ kind: 'chunk', data: JSON.stringify({ ...envelope, choices: reshaped }), forward: true });
    }
    const summary = toUsageSummary(usage);
    if (summary) {
      const usageChunk = JSON.stringify({ ...envelope, choices: [], usage });
      out.push({ kind: 'chunk', data: usageChunk, forward: call.includeUsage, usage: summary });
    }
    return out;
  };
}

/** An error object in place of a chunk: Mistral failed after it started answering. */
function streamError(providerId: string, json: Record<string, unknown>): GatewayError {
  const inner = isRecord(json['error']) ? json['error'] : json;
  const message = typeof inner['message'] === 'string' ? `: ${inner['message']}` : '';
  return new GatewayError('upstream_error', `Provider ${providerId} failed while streaming${message}`, {
    provider: providerId,
  });
}
