import { randomBytes } from 'node:crypto';
import {
  allMessagesText,
  contentText,
  countWords,
  isRecord,
  lastUserText,
} from '../fake-openai/message-text.js';

export type CohereFinish = 'COMPLETE' | 'MAX_TOKENS' | 'TOOL_CALL' | 'ERROR';

/** What the fake decided to say, before it is shaped as a whole answer or as events. */
export type CohereAnswer =
  | { kind: 'text'; text: string; finish: CohereFinish }
  | { kind: 'tool_call'; plan: string; id: string; name: string; arguments: string };

/**
 * Deterministic answers: after a tool result, "Tool said: <result>"; with tools offered and the
 * weather asked about (or a tool REQUIRED), a plan and a call to the first tool; else
 * "Echo: <last user text>", noting images, as JSON for a json_object response_format, cut to
 * `max_tokens` words. The model `finish-error` fails its generation.
 */
export function decideCohereAnswer(body: Record<string, unknown>): CohereAnswer {
  const messages = Array.isArray(body.messages) ? body.messages.filter(isRecord) : [];
  const last = messages.at(-1);
  if (last?.role === 'tool')
    return { kind: 'text', text: `Tool said: ${contentText(last.content)}`, finish: 'COMPLETE' };
  const text = lastUserText(messages);
  const tool = Array.isArray(body.tools) ? body.tools.find(isRecord) : undefined;
  const name = isRecord(tool?.function) ? tool.function.name : undefined;
  if (
    typeof name === 'string' &&
    body.tool_choice !== 'NONE' &&
    (/\bweather\b/i.test(text) || body.tool_choice === 'REQUIRED')
  ) {
    const city = /\bin ([A-Z][\w-]*)/.exec(text)?.[1] ?? 'Paris';
    const id = `${name}_${randomBytes(6).toString('hex')}`;
    return {
      kind: 'tool_call',
      plan: `I will look up the weather in ${city}.`,
      id,
      name,
      arguments: JSON.stringify({ location: city }),
    };
  }
  const content = messages.findLast((m) => m.role === 'user')?.content;
  const images = Array.isArray(content)
    ? content.filter((p) => isRecord(p) && p.type === 'image_url').length
    : 0;
  const echo = `Echo: ${text}${images > 0 ? ` [${images} image${images > 1 ? 's' : ''}]` : ''}`;
  if (body.model === 'finish-error') return { kind: 'text', text: '', finish: 'ERROR' };
  if (isRecord(body.response_format) && body.response_format.type === 'json_object') {
    return { kind: 'text', text: JSON.stringify({ echo }), finish: 'COMPLETE' };
  }
  const words = echo.match(/\s*\S+/g) ?? [];
  if (typeof body.max_tokens === 'number' && words.length > body.max_tokens) {
    return { kind: 'text', text: words.slice(0, body.max_tokens).join(''), finish: 'MAX_TOKENS' };
  }
  return { kind: 'text', text: echo, finish: 'COMPLETE' };
}

/** Tokens the model read around the prompt (Cohere's preamble and tool scaffolding): counted, not billed. */
export const SCAFFOLD_TOKENS = 7;

/**
 * Words stand in for tokens. `billed_units` counts the caller's words; `tokens` also counts
 * Cohere's scaffolding, as the real API's do.
 */
export function cohereUsage(body: Record<string, unknown>, answer: CohereAnswer): object {
  const input = countWords(allMessagesText(body.messages));
  const output = countWords(answer.kind === 'text' ? answer.text : `${answer.plan} ${answer.arguments}`);
  return {
    billed_units: { input_tokens: input, output_tokens: output },
    tokens: { input_tokens: input + SCAFFOLD_TOKENS, output_tokens: output },
  };
}
