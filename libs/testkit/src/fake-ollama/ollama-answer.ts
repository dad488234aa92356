import {
  allMessagesText,
  contentText,
  countWords,
  isRecord,
  lastUserText,
} from '../fake-openai/message-text.js';

/** What the fake decided to say, before it is shaped as one answer or as lines. */
export type OllamaAnswer =
  | { kind: 'text'; text: string; doneReason: 'stop' | 'length' }
  | { kind: 'tool_call'; name: string; arguments: Record<string, unknown> };

/**
 * Deterministic answers: after a tool result, "Tool said: <result>"; with tools offered and the
 * weather asked about, a call to the first tool; else "Echo: <last user text>", noting images,
 * as a JSON object when `format` asks for JSON, and cut to `options.num_predict` words.
 */
export function decideOllamaAnswer(body: Record<string, unknown>): OllamaAnswer {
  const messages = Array.isArray(body.messages) ? body.messages.filter(isRecord) : [];
  const last = messages.at(-1);
  if (last?.role === 'tool')
    return { kind: 'text', text: `Tool said: ${contentText(last.content)}`, doneReason: 'stop' };
  const text = lastUserText(messages);
  const tool = Array.isArray(body.tools) ? body.tools.find(isRecord) : undefined;
  const toolName = isRecord(tool?.function) ? tool.function.name : undefined;
  if (typeof toolName === 'string' && /\bweather\b/i.test(text)) {
    return {
      kind: 'tool_call',
      name: toolName,
      arguments: { location: /\bin ([A-Z][\w-]*)/.exec(text)?.[1] ?? 'Paris' },
    };
  }
  const images = messages.findLast((m) => m.role === 'user')?.images;
  const seen =
    Array.isArray(images) && images.length > 0
      ? ` [${images.length} image${images.length > 1 ? 's' : ''}]`
      : '';
  const echo = `Echo: ${text}${seen}`;
  if (body.format !== undefined && body.format !== '')
    return { kind: 'text', text: JSON.stringify({ echo }), doneReason: 'stop' };
  const limit = isRecord(body.options) ? body.options.num_predict : undefined;
  const words = echo.match(/\s*\S+/g) ?? [];
  if (typeof limit === 'number' && limit >= 0 && words.length > limit) {
    return { kind: 'text', text: words.slice(0, limit).join(''), doneReason: 'length' };
  }
  return { kind: 'text', text: echo, doneReason: 'stop' };
}

/** The final line's statistics: words stand in for tokens, durations in nanoseconds. */
export function ollamaStats(body: Record<string, unknown>, answer: OllamaAnswer): Record<string, number> {
  const output = answer.kind === 'text' ? answer.text : JSON.stringify(answer.arguments);
  const prompt = countWords(allMessagesText(body.messages));
  const evals = countWords(output);
  return {
    total_duration: 1_000_000 * (prompt + evals + 5),
    load_duration: 5_000_000,
    prompt_eval_count: prompt,
    prompt_eval_duration: 1_000_000 * prompt,
    eval_count: evals,
    eval_duration: 1_000_000 * evals,
  };
}
