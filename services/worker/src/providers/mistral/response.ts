import { GatewayError, type Usage } from '@switchyard/contracts';
import type { UsageSummary } from '@switchyard/bus';
import { isRecord } from '../is-record.js';
import { toUsageSummary } from '../usage-summary.js';
import { isFailedFinish, toFinishReason } from './finish-reasons.js';
import { toOpenAIMessage } from './message.js';
import { parseUpstreamObject } from '../upstream-json.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export const failedGeneration = (providerId: string): GatewayError =>
  new GatewayError(
    'upstream_error',
    `Provider ${providerId} reported an error while generating the answer.`,
    {
      provider: providerId,
    },
  );

/**
 * A whole Mistral answer as OpenAI's: the same envelope, each choice's message reshaped and its
 * finish reason mapped. A choice that finished with `error` fails the answer.
 */
export function fromMistralResponse(
  body: Uint8Array,
  providerId: string,
): { data: Uint8Array; usage?: UsageSummary | undefined } {
  const json = parseUpstreamObject(decoder.decode(body), providerId);
  const choices = Array.isArray(json['choices']) ? json['choices'].filter(isRecord) : [];
  if (choices.some((c) => isFailedFinish(c['finish_reason']))) throw failedGeneration(providerId);
  const completion = {
    ...json,
    object: 'chat.completion',
    choices: choices.map((c) => ({
      index: c['index'],
      message: toCompletionMessage(isRecord(c['message']) ? c['message'] : {}),
      logprobs: null,
      finish_reason: toFinishReason(c['finish_reason']),
    })),
  };
  return {
    data: encoder.encode(JSON.stringify(completion)),
    usage: toUsageSummary(json['usage'] as Usage | undefined),
  };
}

function toCompletionMessage(message: Record<string, unknown>): Record<string, unknown> {
  const out = toOpenAIMessage(message, false);
  // OpenAI says null, not "", for the content of an answer that only calls tools.
  if (out['content'] === undefined || (out['content'] === '' && out['tool_calls'] !== undefined))
    out['content'] = null;
  return { ...out, role: 'assistant', refusal: null }; // OpenAI's schema requires `refusal`
}
