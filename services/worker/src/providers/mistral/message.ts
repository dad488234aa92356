import { isRecord } from '../is-record.js';

/**
 * One Mistral message or stream delta reshaped as OpenAI's, in place of the original: content
 * chunks (reasoning models answer with `thinking` and `text` chunks) become the text and a
 * `reasoning` field; tool calls get `type: function` (Mistral may leave it out, and OpenAI's SDK
 * refuses a streamed call without it) and JSON-text arguments; `prefix` is dropped.
 */
export function toOpenAIMessage(
  message: Record<string, unknown>,
  streamed: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (message['role'] !== undefined && message['role'] !== null) out['role'] = message['role'];
  const content = message['content'];
  if (Array.isArray(content)) {
    const { text, reasoning } = readChunks(content);
    out['content'] = text;
    if (reasoning !== '') out['reasoning'] = reasoning;
  } else if (content !== undefined) {
    out['content'] = content;
  }
  const calls = Array.isArray(message['tool_calls']) ? message['tool_calls'].filter(isRecord) : [];
  if (calls.length > 0) out['tool_calls'] = calls.map((c, i) => toOpenAIToolCall(c, i, streamed));
  return out;
}

function toOpenAIToolCall(
  call: Record<string, unknown>,
  position: number,
  streamed: boolean,
): Record<string, unknown> {
  const fn = isRecord(call['function']) ? call['function'] : {};
  const args = fn['arguments'];
  const out: Record<string, unknown> = {};
  if (streamed) out['index'] = typeof call['index'] === 'number' ? call['index'] : position;
  if (call['id'] !== undefined) out['id'] = call['id'];
  if (!streamed || call['id'] !== undefined) out['type'] = 'function';
  const fnOut: Record<string, unknown> = {};
  if (fn['name'] !== undefined) fnOut['name'] = fn['name'];
  if (args !== undefined) fnOut['arguments'] = typeof args === 'string' ? args : JSON.stringify(args);
  out['function'] = fnOut;
  return out;
}

function readChunks(chunks: unknown[]): { text: string; reasoning: string } {
  let text = '';
  let reasoning = '';
  for (const chunk of chunks.filter(isRecord)) {
    if (chunk['type'] === 'text' || (chunk['type'] === undefined && typeof chunk['text'] === 'string')) {
      text += String(chunk['text']);
    } else if (chunk['type'] === 'thinking' && Array.isArray(chunk['thinking'])) {
      reasoning += readChunks(chunk['thinking']).text;
    }
  }
  return { text, reasoning };
}
