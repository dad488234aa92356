import type { ProviderCall, StreamEvent } from '../types.js';
import { readOpenAIStreamEvent } from '../openai-compatible/stream.js';

// A quote inside a JSON string is escaped, so answer text cannot match this.
const EMPTY_CHOICES = /"choices"\s*:\s*\[\s*\]/;

/**
 * One `data:` payload of an Azure stream: OpenAI's, minus Azure's first chunk, which carries
 * only `prompt_filter_results` (no choices, no usage, empty `id`/`object`/`model`): it is not a
 * chat.completion.chunk at all, and clients that read `choices[0]` would trip on it.
 */
export function readAzureStreamEvent(data: string, call: ProviderCall): StreamEvent {
  const event = readOpenAIStreamEvent(data, call);
  if (event.kind !== 'chunk' || event.usage !== undefined || !event.forward) return event;
  return EMPTY_CHOICES.test(data) ? { ...event, forward: false } : event;
}
