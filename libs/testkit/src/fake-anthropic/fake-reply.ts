import { countWords, isRecord } from '../fake-openai/message-text.js';

/** One content block of the fake's answer, as the Messages API returns it. */
export type FakeToolUse = { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };
export type FakeBlock = { type: 'text'; text: string } | FakeToolUse;

export type FakeStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use';

/** What the fake decided to say, before it is shaped as a message or as stream events. */
export interface FakeReply {
  content: FakeBlock[];
  stopReason: FakeStopReason;
  stopSequence: string | null;
}

type Body = Record<string, unknown>;

/**
 * Deterministic, so tests can predict every byte:
 * - the last user message carries tool_result blocks → "Tool said: <their text>";
 * - tools offered and the user asks about the weather (or `tool_choice` forces a tool) → a short
 *   text block, then one tool_use per city named ("in Oslo and Paris" → two, unless parallel
 *   tool use is disabled);
 * - otherwise "Echo: <last user text>", plus a tag per image or document block, so a test sees
 *   in what form an attachment arrived.
 * `stop_sequences` and `max_tokens` (counted in words) cut the text as the API would.
 */
export function decideReply(body: Body): FakeReply {
  const last = lastUserBlocks(body.messages);
  const results = last.filter((b) => b.type === 'tool_result');
  if (results.length > 0) return cut(body, `Tool said: ${results.map((b) => toolResultText(b)).join(' | ')}`);

  const text = last
    .filter((b) => b.type === 'text')
    .map((b) => String(b.text))
    .join('\n');
  const calls = toolCalls(body, text);
  if (calls.length > 0) {
    const cities = calls.map((c) => String(c.input.location)).join(' and ');
    return {
      content: [{ type: 'text', text: `I'll look up the weather in ${cities}.` }, ...calls],
      stopReason: 'tool_use',
      stopSequence: null,
    };
  }
  const tags = last.flatMap((b) => (b.type === 'image' || b.type === 'document' ? [attachmentTag(b)] : []));
  return cut(body, ['Echo:', text, ...tags].filter(Boolean).join(' '));
}

/** The `content` blocks of the last user message; a string content counts as one text block. */
export function lastUserBlocks(messages: unknown): Record<string, unknown>[] {
  if (!Array.isArray(messages)) return [];
  const last = messages.findLast((m: unknown) => isRecord(m) && m.role === 'user') as Body | undefined;
  if (!last) return [];
  if (typeof last.content === 'string') return [{ type: 'text', text: last.content }];
  return Array.isArray(last.content) ? last.content.filter(isRecord) : [];
}

/** The text of a block's content: a string, or its text blocks joined. */
export function blockText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((b: unknown): b is Body => isRecord(b) && b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text as string)
    .join(' ');
}

const toolResultText = (block: Body): string => blockText(block.content);

function attachmentTag(block: Body): string {
  const source = isRecord(block.source) ? block.source : {};
  const how =
    source.type === 'url'
      ? `url ${String(source.url)}`
      : `${String(source.type)} ${String(source.media_type)}`;
  return `[${String(block.type)} ${how}]`;
}

function toolCalls(body: Body, text: string): FakeToolUse[] {
  const tools = Array.isArray(body.tools) ? body.tools.filter(isRecord) : [];
  const choice = isRecord(body.tool_choice) ? body.tool_choice : { type: 'auto' };
  if (tools.length === 0 || choice.type === 'none') return [];
  const forced = choice.type === 'any' || choice.type === 'tool';
  if (!forced && !/\bweather\b/i.test(text)) return [];
  const name = choice.type === 'tool' ? String(choice.name) : String(tools[0]!.name);
  const named = /\bin ([A-Z][\w-]*)(?: and ([A-Z][\w-]*))?/.exec(text);
  const cities = named ? [named[1]!, ...(named[2] ? [named[2]] : [])] : ['Paris'];
  const single = choice.disable_parallel_tool_use === true;
  return (single ? cities.slice(0, 1) : cities).map((city, i) => ({
    type: 'tool_use' as const,
    id: `toolu_fake_weather_${i}`,
    name,
    input: { location: city },
  }));
}

/** Applies `stop_sequences` then `max_tokens` (in words) to a text answer. */
function cut(body: Body, text: string): FakeReply {
  const stops = Array.isArray(body.stop_sequences)
    ? body.stop_sequences.filter((s) => typeof s === 'string')
    : [];
  for (const stop of stops) {
    const at = text.indexOf(stop);
    if (at >= 0) {
      return {
        content: [{ type: 'text', text: text.slice(0, at) }],
        stopReason: 'stop_sequence',
        stopSequence: stop,
      };
    }
  }
  const max = typeof body.max_tokens === 'number' ? body.max_tokens : Infinity;
  if (countWords(text) > max) {
    const kept = text
      .match(/\s*\S+/g)!
      .slice(0, max)
      .join('');
    return { content: [{ type: 'text', text: kept }], stopReason: 'max_tokens', stopSequence: null };
  }
  return { content: [{ type: 'text', text }], stopReason: 'end_turn', stopSequence: null };
}
