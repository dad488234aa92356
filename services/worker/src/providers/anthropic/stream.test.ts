import { describe, expect, it } from 'vitest';
import type { ProviderCall, StreamEvent } from '../types.js';
import { createAnthropicStreamTranslator } from './stream.js';

const call = (includeUsage = false): ProviderCall => ({
  providerId: 'claude',
  upstreamModel: 'claude-haiku-4-5',
  stream: true,
  includeUsage,
  body: {},
  signal: new AbortController().signal,
});
const ev = (type: string, data: object = {}, named = true) => ({
  ...(named ? { event: type } : {}),
  data: JSON.stringify({ type, ...data }),
});
const start = ev('message_start', {
  message: { id: 'msg_1', model: 'claude-haiku-4-5-20251001', usage: { input_tokens: 5, output_tokens: 1 } },
});
const deltas = (events: readonly StreamEvent[]) =>
  events.flatMap((e) =>
    e.kind === 'chunk' && e.forward
      ? [(JSON.parse(e.data) as { choices: { delta: object }[] }).choices[0]?.delta]
      : [],
  );

describe('createAnthropicStreamTranslator', () => {
  it('reads events by their data type when the SSE event has no name', () => {
    const t = createAnthropicStreamTranslator(call(), 1);
    const out = [
      start,
      ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }, false),
      ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hi' } }, false),
    ].flatMap((e) => t(e));
    expect(deltas(out)).toEqual([{ role: 'assistant', content: '' }, { content: 'Hi' }]);
  });

  it('leaves out thinking, signatures and server-tool blocks, and event kinds it does not know', () => {
    const t = createAnthropicStreamTranslator(call(), 1);
    t(start);
    const out = [
      ev('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '' } }),
      ev('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } }),
      ev('content_block_delta', { index: 0, delta: { type: 'signature_delta', signature: 'abc' } }),
      ev('content_block_start', {
        index: 1,
        content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} },
      }),
      ev('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"q":' } }),
      ev('brand_new_event', { index: 2 }),
      ev('ping'),
    ].flatMap((e) => t(e));
    expect(out).toEqual([]);
  });

  it('still ends with a finish chunk, usage and done when message_stop comes without a stop reason', () => {
    const t = createAnthropicStreamTranslator(call(true), 1);
    t(start);
    const out = t(ev('message_stop'));
    expect(out.map((e) => e.kind)).toEqual(['chunk', 'chunk', 'done']);
    expect(JSON.parse((out[0] as { data: string }).data).choices[0].finish_reason).toBe('stop');
    expect(out[1]).toMatchObject({
      forward: true,
      usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 }, // message_start's count so far
    });
  });

  it('takes cumulative input counts from message_delta over those of message_start', () => {
    const t = createAnthropicStreamTranslator(call(), 1);
    t(start);
    t(
      ev('message_delta', {
        delta: { stop_reason: 'max_tokens' },
        usage: { output_tokens: 9, input_tokens: 7 },
      }),
    );
    const [usage, done] = t(ev('message_stop'));
    expect(done).toEqual({ kind: 'done' });
    expect(usage).toMatchObject({ forward: false, usage: { prompt_tokens: 7, completion_tokens: 9 } });
  });

  it('turns an error event into an error, by its type', () => {
    const t = createAnthropicStreamTranslator(call(), 1);
    t(start);
    const [out] = t({
      event: 'error',
      data: '{"type":"error","error":{"type":"api_error","message":"Internal server error"}}',
    });
    expect(out).toMatchObject({
      kind: 'error',
      error: {
        code: 'upstream_error',
        message: 'Provider claude failed while streaming: Internal server error',
      },
    });
  });
});
