import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replayStream, testCall } from '../../test-support/replay-stream.js';
import { cohereProtocol } from './adapter.js';

const fixture = (name: string): Uint8Array => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const protocol = cohereProtocol('cohere', {
  type: 'cohere',
  base_url: 'https://api.cohere.com',
  headers: {},
  connections: 1,
  drop_params: false,
});
const replay = (name: string, includeUsage = false) =>
  replayStream(
    protocol,
    testCall({ stream: true }, { stream: true, includeUsage, upstreamModel: 'command-a-03-2025' }),
    fixture(name),
  );
type Choice = { delta: Record<string, unknown>; finish_reason: string | null };
const choices = (chunks: Record<string, unknown>[]): Choice[] =>
  chunks.flatMap((c) => c['choices'] as Choice[]);

describe('Cohere stream translation', () => {
  it('turns typed events into chunks: role, text, a stop finish; meters usage from tokens', async () => {
    const { chunks, usage, end } = await replay('stream.sse');
    expect(end).toEqual({ kind: 'done' });
    const all = choices(chunks);
    expect(all[0]!.delta).toEqual({ role: 'assistant', content: '' });
    expect(all.map((c) => c.delta['content'] ?? '').join('')).toBe('Hello! How can I help you today?');
    expect(all.at(-1)).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' });
    expect(
      chunks.every(
        (c) => c['id'] === '29f14a5a-11de-4cae-9800-25e4747408ea' && c['model'] === 'command-a-03-2025',
      ),
    ).toBe(true);
    expect(usage).toEqual({ prompt_tokens: 69, completion_tokens: 9, total_tokens: 78, cached_tokens: 64 });
  });

  it('adds the usage chunk only when asked', async () => {
    expect((await replay('stream.sse')).chunks.some((c) => (c['choices'] as []).length === 0)).toBe(false);
    expect((await replay('stream.sse', true)).chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 69,
        completion_tokens: 9,
        total_tokens: 78,
        prompt_tokens_details: { cached_tokens: 64 },
      },
    });
  });

  it('streams the tool plan as content and each tool call with its own index, arguments in pieces', async () => {
    const { chunks } = await replay('stream-tools.sse');
    const all = choices(chunks);
    expect(all.map((c) => c.delta['content'] ?? '').join('')).toBe('I will look up the weather.');
    const calls = all.flatMap(
      (c) =>
        (c.delta['tool_calls'] as {
          index: number;
          id?: string;
          function: { name?: string; arguments: string };
        }[]) ?? [],
    );
    expect(calls.filter((c) => c.id)).toEqual([
      {
        index: 0,
        id: 'get_weather_1byjy32y4hvq',
        type: 'function',
        function: { name: 'get_weather', arguments: '' },
      },
      {
        index: 1,
        id: 'get_weather_k88p0m8504w5',
        type: 'function',
        function: { name: 'get_weather', arguments: '' },
      },
    ]);
    const args = (i: number) =>
      calls
        .filter((c) => c.index === i)
        .map((c) => c.function.arguments)
        .join('');
    expect(JSON.parse(args(0))).toEqual({ location: 'Toronto' });
    expect(JSON.parse(args(1))).toEqual({ location: 'Paris' });
    expect(all.at(-1)!.finish_reason).toBe('tool_calls');
  });

  it('splits thinking from text and maps MAX_TOKENS to length', async () => {
    const all = choices((await replay('stream-thinking.sse')).chunks);
    expect(all.map((c) => c.delta['reasoning'] ?? '').join('')).toBe('The user says hi.');
    expect(all.map((c) => c.delta['content'] ?? '').join('')).toBe('Hi!');
    expect(all.at(-1)!.finish_reason).toBe('length');
  });

  it('ends with an error event, Cohere’s reason included, when the message ends with ERROR', async () => {
    const { chunks, end } = await replay('stream-error.sse');
    expect(
      choices(chunks)
        .map((c) => c.delta['content'] ?? '')
        .join(''),
    ).toBe('Partial');
    expect(end).toMatchObject({
      kind: 'error',
      error: { code: 'upstream_error', message: expect.stringMatching(/: internal server error$/) },
    });
  });
});
