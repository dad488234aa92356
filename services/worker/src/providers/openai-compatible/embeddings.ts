import { GatewayError } from '@switchyard/contracts';
import type { UsageSummary } from '@switchyard/bus';
import { isRecord } from '../is-record.js';
import { isCount } from '../is-count.js';
import { parseUpstreamJson } from '../upstream-json.js';

const decoder = new TextDecoder();

/**
 * The usage of an OpenAI embeddings answer (`{prompt_tokens, total_tokens}`, no completion
 * tokens). The bytes are forwarded as they came: they are parsed only to account for tokens, and
 * to refuse an answer the caller could not read.
 */
export function readOpenAIEmbeddingsUsage(providerId: string, body: Uint8Array): UsageSummary | undefined {
  const json = parseUpstreamJson(decoder.decode(body), providerId);
  if (!isRecord(json) || !Array.isArray(json['data'])) {
    throw new GatewayError(
      'upstream_error',
      `Provider ${providerId} sent an answer that is not a list of embeddings.`,
      {
        provider: providerId,
      },
    );
  }
  const usage = json['usage'];
  if (!isRecord(usage) || !isCount(usage['prompt_tokens'])) return undefined;
  const prompt = usage['prompt_tokens'];
  return {
    prompt_tokens: prompt,
    completion_tokens: 0,
    total_tokens: isCount(usage['total_tokens']) ? usage['total_tokens'] : prompt,
  };
}
