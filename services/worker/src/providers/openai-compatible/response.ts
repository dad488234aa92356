import type { UsageSummary } from '@switchyard/bus';
import { toUsageSummary } from '../usage-summary.js';
import { parseUpstreamObject } from '../upstream-json.js';

const decoder = new TextDecoder();

/**
 * The usage of a whole 2xx answer. The bytes themselves are forwarded as they came; they are
 * parsed only to account for tokens, and to refuse an answer the caller could not read.
 */
export function readOpenAIUsage(providerId: string, body: Uint8Array): UsageSummary | undefined {
  const json = parseUpstreamObject(decoder.decode(body), providerId);
  return toUsageSummary(json['usage']);
}
