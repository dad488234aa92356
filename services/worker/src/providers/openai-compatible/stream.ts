import type { ProviderCall, StreamEvent } from '../types.js';
import { isRecord } from '../is-record.js';
import { toUsageSummary } from '../usage-summary.js';
import { mapOpenAIStreamError } from './errors.js';

// Cheap scans decide whether a chunk needs parsing at all: most chunks carry neither usage nor an
// error, and are forwarded as the text they came as. A quote inside a JSON string is escaped, so
// answer text cannot match these.
const MAY_CARRY_USAGE = /"usage"\s*:\s*\{/;
const MAY_CARRY_ERROR = /"error"\s*:/;

/**
 * One `data:` payload of an OpenAI-compatible stream. The final usage-only chunk (empty
 * `choices`) is read for accounting and dropped when the caller did not ask for usage: the
 * gateway always asks upstream for it.
 */
export function readOpenAIStreamEvent(data: string, call: ProviderCall): StreamEvent {
  if (data === '[DONE]') return { kind: 'done' };
  // Some providers send empty `data:` lines as keep-alives: nothing for the caller.
  if (data.trim() === '') return { kind: 'chunk', data, forward: false };
  if (!MAY_CARRY_USAGE.test(data) && !MAY_CARRY_ERROR.test(data))
    return { kind: 'chunk', data, forward: true };
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { kind: 'chunk', data, forward: true };
  }
  if (!isRecord(json)) return { kind: 'chunk', data, forward: true };
  if (json['error'] !== undefined && json['error'] !== null && !Array.isArray(json['choices'])) {
    return { kind: 'error', error: mapOpenAIStreamError(call.providerId, json['error']) };
  }
  const usage = toUsageSummary(json['usage']);
  if (usage === undefined) return { kind: 'chunk', data, forward: true };
  const usageOnly = Array.isArray(json['choices']) && json['choices'].length === 0;
  return { kind: 'chunk', data, forward: call.includeUsage || !usageOnly, usage };
}
