import {
  allMessagesText,
  contentText,
  countWords,
  isRecord,
  lastUserText,
} from '../fake-openai/message-text.js';

export type MistralFinish = 'stop' | 'length' | 'model_length' | 'tool_calls' | 'error';

/** What the fake decided to say, before it is shaped as a completion or as chunks. */
export type MistralAnswer =
  | { kind: 'text'; text: string; finish: MistralFinish }
  | { kind: 'tool_call'; id: string; name: string; arguments: string };

/**
 * Deterministic answers: after a tool result, "Tool said: <result>"; with tools offered and the
 * weather asked about, a call to the first tool (a 9-character id, as Mistral makes them); else
 * "Echo: <last user text>", noting images, as JSON for a JSON response_format, and cut to
 * `max_tokens` words. The model `model-length` fills its context; `finish-error` fails.
 */
export function decideMistralAnswer(body: Record<string, unknown>): MistralAnswer {
  const messages = Array.isArray(body.messages) ? body.messages.filter(isRecord) : [];
  const last = messages.at(-1);
  if (last?.role === 'tool')
    return { kind: 'text', text: `Tool said: ${contentText(last.content)}`, finish: 'stop' };
  const text = lastUserText(messages);
  const tool = Array.isArray(body.tools) ? body.tools.find(isRecord) : undefined;
  const name = isRecord(tool?.function) ? tool.function.name : undefined;
  if (
    typeof name === 'string' &&
    body.tool_choice !== 'none' &&
    (/\bweather\b/i.test(text) || body.tool_choice === 'any')
  ) {
    const city = /\bin ([A-Z][\w-]*)/.exec(text)?.[1] ?? 'Paris';
    return { kind: 'tool_call', id: 'D681PevKs', name, arguments: JSON.stringify({ location: city }) };
  }
  const content = messages.findLast((m) => m.role === 'user')?.content;
  const images = Array.isArray(content)
    ? content.filter((p) => isRecord(p) && p.type === 'image_url').length
    : 0;
  const echo = `Echo: ${text}${images > 0 ? ` [${images} image${images > 1 ? 's' : ''}]` : ''}`;
  if (body.model === 'model-length') return { kind: 'text', text: echo, finish: 'model_length' };
  if (body.model === 'finish-error') return { kind: 'text', text: echo, finish: 'error' };
  const format = isRecord(body.response_format) ? body.response_format.type : undefined;
  if (format === 'json_object' || format === 'json_schema')
    return { kind: 'text', text: JSON.stringify({ echo }), finish: 'stop' };
  const words = echo.match(/\s*\S+/g) ?? [];
  if (typeof body.max_tokens === 'number' && words.length > body.max_tokens) {
    return { kind: 'text', text: words.slice(0, body.max_tokens).join(''), finish: 'length' };
  }
  return { kind: 'text', text: echo, finish: 'stop' };
}

/** Words stand in for tokens, so tests can predict usage. */
export function mistralUsage(body: Record<string, unknown>, answer: MistralAnswer): Record<string, number> {
  const prompt = countWords(allMessagesText(body.messages));
  const completion = countWords(answer.kind === 'text' ? answer.text : answer.arguments);
  return { prompt_tokens: prompt, total_tokens: prompt + completion, completion_tokens: completion };
}
