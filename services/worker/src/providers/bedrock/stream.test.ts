import { readFileSync } from 'node:fs';
import { expectMatchesOpenAISpec } from '@switchyard/testkit';
import { describe, expect, it } from 'vitest';
import type { ProviderCall, StreamEvent } from '../types.js';
import { createConverseStreamTranslator } from './stream.js';

interface StreamFixture {
  events: { event: string; data: object }[];
  chunks: object[];
  summary: object;
}
const load = (name: string): StreamFixture =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as StreamFixture;
const META = {
  id: 'chatcmpl-fixed',
  created: 1_700_000_000,
  model: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
};
const call = (includeUsage: boolean): ProviderCall => ({
  providerId: 'aws',
  upstreamModel: META.model,
  stream: true,
  includeUsage,
  body: {},
  signal: new AbortController().signal,
});
const run = (fixture: StreamFixture, includeUsage: boolean): StreamEvent[] => {
  const translate = createConverseStreamTranslator(call(includeUsage), META);
  return fixture.events.flatMap((e) => translate({ event: e.event, data: JSON.stringify(e.data) }));
};
const chunkOf = (e: StreamEvent): Record<string, unknown> =>
  e.kind === 'chunk' ? (JSON.parse(e.data) as Record<string, unknown>) : {};
/** A chunk as the fixture lists it: its one choice's delta and finish_reason, or its usage. */
const summarise = (chunk: Record<string, unknown>): object => {
  const [choice] = chunk['choices'] as { delta: object; finish_reason: string | null }[];
  return choice ? { delta: choice.delta, finish_reason: choice.finish_reason } : { usage: chunk['usage'] };
};

describe('createConverseStreamTranslator (golden)', () => {
  it.each(['converse-stream-text.json', 'converse-stream-tool-use.json'])(
    'turns %s into the OpenAI chunks, then done with usage',
    (name) => {
      const fixture = load(name);
      const out = run(fixture, true);
      expect(out.at(-1)).toEqual({ kind: 'done' });
      const chunks = out.slice(0, -1);
      expect(chunks.every((e) => e.kind === 'chunk' && e.forward)).toBe(true);
      expect(chunks.map((e) => summarise(chunkOf(e)))).toEqual(fixture.chunks);
      expect(chunks.at(-1)).toMatchObject({ usage: fixture.summary });
      for (const e of chunks) {
        expect(chunkOf(e)).toMatchObject({
          id: META.id,
          object: 'chat.completion.chunk',
          created: META.created,
          model: META.model,
        });
        expectMatchesOpenAISpec('CreateChatCompletionStreamResponse', chunkOf(e));
      }
    },
  );

  it('always reads usage, but holds the usage chunk back when the caller did not ask for it', () => {
    const fixture = load('converse-stream-text.json');
    const out = run(fixture, false);
    const usageChunk = out.at(-2)!;
    expect(usageChunk).toMatchObject({ kind: 'chunk', forward: false, usage: fixture.summary });
    expect(out.slice(0, -2).every((e) => e.kind === 'chunk' && e.forward)).toBe(true);
  });

  it('assembles the streamed arguments of each tool call into its JSON', () => {
    const out = run(load('converse-stream-tool-use.json'), false);
    const args: string[] = [];
    for (const e of out) {
      const choices = (chunkOf(e)['choices'] ?? []) as {
        delta: { tool_calls?: { index: number; function?: { arguments?: string } }[] };
      }[];
      for (const call of choices[0]?.delta.tool_calls ?? [])
        args[call.index] = (args[call.index] ?? '') + (call.function?.arguments ?? '');
    }
    expect(args.map((a) => JSON.parse(a))).toEqual([{ sign: 'WZPZ' }, { sign: 'WKRP' }]);
  });

  it('ends on metadata even without usage, never before it', () => {
    const translate = createConverseStreamTranslator(call(true), META);
    expect(translate({ event: 'messageStop', data: '{"stopReason":"end_turn"}' }).map((e) => e.kind)).toEqual(
      ['chunk'],
    );
    expect(translate({ event: 'metadata', data: '{"metrics":{"latencyMs":1}}' })).toEqual([{ kind: 'done' }]);
  });

  it('turns an in-stream exception into an error with the right code', () => {
    const translate = createConverseStreamTranslator(call(false), META);
    const [event] = translate({
      event: 'exception:throttlingException',
      data: '{"message":"Too many tokens"}',
    });
    expect(event).toMatchObject({ kind: 'error', error: { code: 'rate_limited', provider: 'aws' } });
    const [unmodelled] = translate({ event: 'error:InternalFailure', data: '{"message":"boom"}' });
    expect(unmodelled).toMatchObject({ kind: 'error', error: { code: 'upstream_error' } });
  });

  it('ignores events it has no use for, and fails on one it cannot read', () => {
    const translate = createConverseStreamTranslator(call(false), META);
    expect(translate({ event: 'contentBlockStop', data: '{"contentBlockIndex":0}' })).toEqual([]);
    expect(
      translate({
        event: 'contentBlockDelta',
        data: '{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"hm"}}}',
      }),
    ).toEqual([]);
    expect(translate({ event: 'somethingNew', data: '{}' })).toEqual([]);
    expect(translate({ event: 'contentBlockDelta', data: '{not json' })).toMatchObject([
      { kind: 'error', error: { code: 'upstream_error' } },
    ]);
  });
});
