import { GatewayError, type ChatCompletionChunk } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { anthropicDialect } from './dialect.js';
import { bytes, fixture, fixtureText } from './fixtures/load.js';
import { createStreamTranslator, type AnthropicStreamEvent } from './stream.js';

/** The SSE text a whole canonical stream becomes. */
function translateStream(chunks: unknown[]): string {
  const stream = anthropicDialect.stream('req-1');
  return chunks.map((c) => stream.chunk(bytes(c))).join('') + stream.done();
}

const chunk = (delta: object, finish: string | null = null, extra: object = {}): ChatCompletionChunk =>
  ({
    id: 'chatcmpl-x',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...extra,
  }) as ChatCompletionChunk;

function events(chunks: ChatCompletionChunk[]): AnthropicStreamEvent[] {
  const translator = createStreamTranslator({ fallbackId: 'msg_fallback' });
  return [...chunks.flatMap((c) => translator.chunk(c)), ...translator.done()];
}
const shape = (list: AnthropicStreamEvent[]): string[] =>
  list.map((e) => ('index' in e ? `${e.type}:${e.index}` : e.type));

describe('stream (golden)', () => {
  it.each([
    ['text', 'text'],
    ['text, then two tool calls, each its own block', 'tool-calls'],
  ])('%s', (_what, name) => {
    expect(translateStream(fixture(`chunks-${name}.json`))).toBe(fixtureText(`stream-${name}.sse`));
  });
});

describe('stream translator', () => {
  it('interleaved tool-call deltas still reach their own blocks', () => {
    const call = (index: number, args: string, id?: string) => ({
      tool_calls: [
        { index, ...(id && { id }), function: { ...(id && { name: `f${index}` }), arguments: args } },
      ],
    });
    const list = events([
      chunk(call(0, '', 'c0')),
      chunk(call(1, '', 'c1')),
      chunk(call(0, '{}')),
      chunk({}, 'tool_calls'),
    ]);
    expect(shape(list)).toEqual([
      'message_start',
      'content_block_start:0',
      'content_block_stop:0',
      'content_block_start:1',
      'content_block_delta:0',
      'content_block_stop:1',
      'message_delta',
      'message_stop',
    ]);
    expect(list[3]).toMatchObject({ content_block: { type: 'tool_use', id: 'c1', name: 'f1' } });
  });

  it('a tool call without an id gets one; text after a tool call opens a new block', () => {
    const list = events([
      chunk({ tool_calls: [{ index: 0, function: { name: 'f', arguments: '{}' } }] }),
      chunk({ content: 'done' }),
      chunk({}, 'stop'),
    ]);
    expect(list[1]).toMatchObject({ content_block: { type: 'tool_use', id: 'toolu_x_0', name: 'f' } });
    expect(shape(list).slice(1, 6)).toEqual([
      'content_block_start:0',
      'content_block_delta:0',
      'content_block_stop:0',
      'content_block_start:1',
      'content_block_delta:1',
    ]);
    // Tools were called, so the turn ends for them even though the server said `stop`.
    expect(list.at(-2)).toMatchObject({ type: 'message_delta', delta: { stop_reason: 'tool_use' } });
  });

  it('length → max_tokens; usage with cached tokens; an empty stream is still a whole message', () => {
    const usage = {
      prompt_tokens: 50,
      completion_tokens: 7,
      total_tokens: 57,
      prompt_tokens_details: { cached_tokens: 30 },
    };
    const list = events([chunk({ content: 'cut' }, 'length'), { ...chunk({}), choices: [], usage }]);
    expect(list.at(-2)).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'max_tokens', stop_sequence: null },
      usage: {
        input_tokens: 20,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 30,
        output_tokens: 7,
      },
    });
    expect(shape(events([]))).toEqual(['message_start', 'message_delta', 'message_stop']);
    expect(events([])[0]).toMatchObject({ message: { id: 'msg_fallback' } });
  });

  it('an error ends the stream with an `error` event in Anthropic’s shape', () => {
    const stream = anthropicDialect.stream('req-9');
    expect(stream.error(new GatewayError('upstream_error', 'The provider closed the stream.'))).toBe(
      'event: error\n' +
        'data: {"type":"error","error":{"type":"api_error","message":"The provider closed the stream."},"request_id":"req-9"}\n\n',
    );
  });

  it('a malformed chunk is an upstream error', () => {
    const stream = anthropicDialect.stream('req-1');
    expect(() => stream.chunk(bytes({ nope: true }))).toThrow(
      expect.objectContaining({ code: 'upstream_error' }),
    );
    expect(() => stream.chunk(new TextEncoder().encode('{'))).toThrow(
      expect.objectContaining({ code: 'upstream_error' }),
    );
  });
});
