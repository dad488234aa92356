import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replayStream, testCall } from '../../test-support/replay-stream.js';
import { mistralProtocol } from './adapter.js';

const fixture = (name: string): Uint8Array => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const protocol = mistralProtocol('mistral', {
  type: 'mistral',
  base_url: 'https://api.mistral.ai',
  headers: {},
  connections: 1,
  drop_params: false,
});
const replay = (name: string, includeUsage = false) =>
  replayStream(protocol, testCall({ stream: true }, { stream: true, includeUsage }), fixture(name));
type Choice = { delta: Record<string, unknown>; finish_reason: string | null };
const choices = (chunks: Record<string, unknown>[]): Choice[] =>
  chunks.flatMap((c) => c['choices'] as Choice[]);

describe('Mistral stream translation', () => {
  it('forwards the text, meters the usage of the last chunk and drops it from that chunk', async () => {
    const { chunks, usage, end } = await replay('stream.sse');
    expect(end).toEqual({ kind: 'done' });
    expect(
      choices(chunks)
        .map((c) => c.delta['content'])
        .join(''),
    ).toBe('Bonjour le monde');
    expect(chunks.at(-1)).toMatchObject({ choices: [{ finish_reason: 'stop' }] });
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
    expect(usage).toEqual({ prompt_tokens: 10, completion_tokens: 6, total_tokens: 16 });
  });

  it('gives the caller who asked OpenAI’s separate usage chunk', async () => {
    const { chunks } = await replay('stream.sse', true);
    expect(chunks.at(-1)).toEqual({
      id: 'cf79f7daaee244b1a0ae5c7b1444424a',
      object: 'chat.completion.chunk',
      created: 1727000000,
      model: 'mistral-small-latest',
      choices: [],
      usage: { prompt_tokens: 10, total_tokens: 16, completion_tokens: 6 },
    });
  });

  it('gives whole streamed tool calls their type, keeping ids and indexes', async () => {
    const { chunks, usage } = await replay('stream-tools.sse');
    const last = choices(chunks).at(-1)!;
    expect(last.finish_reason).toBe('tool_calls');
    expect(last.delta['tool_calls']).toEqual([
      {
        index: 0,
        id: 'D681PevKs',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"location": "Paris"}' },
      },
      {
        index: 1,
        id: 'Kx9TqLm2Z',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"location": "Lyon"}' },
      },
    ]);
    expect(usage).toMatchObject({ prompt_tokens: 84, completion_tokens: 34 });
  });

  it('maps model_length to length', async () => {
    expect(choices((await replay('stream-model-length.sse')).chunks).at(-1)!.finish_reason).toBe('length');
  });

  it('splits streamed thinking chunks from the text', async () => {
    const all = choices((await replay('stream-thinking.sse')).chunks);
    expect(all.map((c) => c.delta['reasoning'] ?? '').join('')).toBe('The user greets.');
    expect(all.map((c) => c.delta['content'] ?? '').join('')).toBe('Hi!');
  });

  it('ends with an error event when a choice finishes with error', async () => {
    const { chunks, end } = await replay('stream-error-finish.sse');
    expect(
      choices(chunks)
        .map((c) => c.delta['content'])
        .join(''),
    ).toBe('Partial');
    expect(end).toMatchObject({ kind: 'error', error: { code: 'upstream_error' } });
  });
});
