import { countWords, isRecord } from '../fake-openai/message-text.js';
import { blockText, type FakeReply } from './fake-reply.js';

/** The Messages API's `usage` object, field for field. */
export interface AnthropicUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
  service_tier: 'standard';
}

/**
 * Words stand in for tokens. Prompt caching is modelled as the API bills it: a `system` with a
 * `cache_control` block is a cacheable prefix; the first request with that prefix writes it
 * (cache_creation_input_tokens), later ones read it (cache_read_input_tokens), and `input_tokens`
 * counts only what follows the prefix. The cache lives as long as the fake.
 */
export function createUsageMeter(): (body: Record<string, unknown>, reply: FakeReply) => AnthropicUsage {
  const cached = new Set<string>();
  return (body, reply) => {
    const system = systemText(body.system);
    const total = countWords(system) + countWords(messagesText(body.messages));
    const prefix = hasCacheControl(body.system) ? countWords(system) : 0;
    const hit = prefix > 0 && cached.has(system);
    if (prefix > 0) cached.add(system);
    const written = prefix > 0 && !hit ? prefix : 0;
    return {
      input_tokens: total - prefix,
      cache_creation_input_tokens: written,
      cache_read_input_tokens: hit ? prefix : 0,
      cache_creation: { ephemeral_5m_input_tokens: written, ephemeral_1h_input_tokens: 0 },
      output_tokens: outputTokens(reply),
      service_tier: 'standard',
    };
  };
}

/** Output "tokens": the words of the text blocks and of each tool call's JSON input. */
export function outputTokens(reply: FakeReply): number {
  return reply.content.reduce(
    (n, b) => n + countWords(b.type === 'text' ? b.text : JSON.stringify(b.input)),
    0,
  );
}

const systemText = (system: unknown): string => blockText(system);

function hasCacheControl(system: unknown): boolean {
  return Array.isArray(system) && system.some((b: unknown) => isRecord(b) && isRecord(b.cache_control));
}

function messagesText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  return messages
    .map((m: unknown) => {
      if (!isRecord(m)) return '';
      if (!Array.isArray(m.content)) return blockText(m.content);
      return m.content
        .map((b: unknown) =>
          isRecord(b) && b.type === 'tool_result' ? blockText(b.content) : blockText([b]),
        )
        .join(' ');
    })
    .join(' ');
}
