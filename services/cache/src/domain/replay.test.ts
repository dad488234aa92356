import { expectMatchesOpenAISpec } from '@switchyard/testkit';
import { describe, expect, it } from 'vitest';
import { toChunks } from './replay.js';

interface ChunkChoice {
  index: number;
  delta: { content?: string; tool_calls?: unknown[] };
  finish_reason: string | null;
}
const choicesOf = (chunk: Record<string, unknown>): ChunkChoice[] => chunk.choices as ChunkChoice[];

const answer = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hello there', refusal: null },
      logprobs: null,
      finish_reason: 'stop',
    },
    {
      index: 1,
      message: {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
        ],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    },
  ],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
};

describe('toChunks', () => {
  it('replays every choice as spec-valid chunks, with the usage chunk last when asked', () => {
    const chunks = toChunks(answer, true);
    for (const chunk of chunks) expectMatchesOpenAISpec('CreateChatCompletionStreamResponse', chunk);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: answer.usage });
    const text = chunks
      .flatMap((c) =>
        choicesOf(c)
          .filter((x) => x.index === 0)
          .map((x) => x.delta.content ?? ''),
      )
      .join('');
    expect(text).toBe('Hello there');
    const calls = chunks.flatMap((c) => choicesOf(c).flatMap((x) => x.delta.tool_calls ?? []));
    expect(calls).toEqual([{ index: 0, ...answer.choices[1]!.message.tool_calls![0] }]);
    const finishes = chunks.flatMap((c) =>
      choicesOf(c)
        .map((x) => x.finish_reason)
        .filter(Boolean),
    );
    expect(finishes).toEqual(['stop', 'tool_calls']);
  });

  it('leaves the usage out when not asked', () => {
    const chunks = toChunks(answer, false);
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
  });
});
