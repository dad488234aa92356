import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replayStream, testCall } from '../../test-support/replay-stream.js';
import { ollamaProtocol } from './adapter.js';

const fixture = (name: string): Uint8Array => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const protocol = ollamaProtocol('ollama', {
  type: 'ollama',
  base_url: 'http://127.0.0.1:11434',
  headers: {},
  connections: 1,
  drop_params: false,
});
const replay = (name: string, includeUsage = false) =>
  replayStream(
    protocol,
    testCall({ model: 'm', messages: [], stream: true }, { stream: true, includeUsage }),
    fixture(name),
  );
type Choice = { delta: Record<string, unknown>; finish_reason: string | null };
const choices = (chunks: Record<string, unknown>[]): Choice[] =>
  chunks.flatMap((c) => c['choices'] as Choice[]);

describe('Ollama stream translation', () => {
  it('streams the text with the role first, then a stop finish, metering the final counts', async () => {
    const { chunks, usage, end } = await replay('chat-stream.ndjson');
    expect(end).toEqual({ kind: 'done' });
    const all = choices(chunks);
    expect(all[0]!.delta).toEqual({ role: 'assistant', content: 'The' });
    expect(all.map((c) => c.delta['content'] ?? '').join('')).toBe(
      'The sky is blue because of Rayleigh scattering.',
    );
    expect(all.at(-1)).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(new Set(chunks.map((c) => c['id'])).size).toBe(1);
    expect(chunks.every((c) => c['object'] === 'chat.completion.chunk' && c['model'] === 'llama3.2')).toBe(
      true,
    );
    expect(usage).toEqual({ prompt_tokens: 26, completion_tokens: 282, total_tokens: 308 });
  });

  it('adds the usage chunk only when the caller asked for it', async () => {
    const { chunks } = await replay('chat-stream.ndjson', true);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 26, completion_tokens: 282, total_tokens: 308 },
    });
  });

  it('maps a cut answer to finish reason length', async () => {
    const { chunks } = await replay('chat-stream-length.ndjson');
    expect(choices(chunks).at(-1)!.finish_reason).toBe('length');
  });

  it('streams whole tool calls with indexes, ids and JSON arguments, finishing for tool_calls', async () => {
    const { chunks, usage } = await replay('chat-stream-tools.ndjson');
    const all = choices(chunks);
    expect(all[0]!.delta).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          index: 0,
          id: expect.stringMatching(/^call_/),
          type: 'function',
          function: { name: 'get_current_weather', arguments: '{"format":"celsius","location":"Paris, FR"}' },
        },
        {
          index: 1,
          id: expect.stringMatching(/^call_/),
          type: 'function',
          function: { name: 'get_current_weather', arguments: '{"format":"celsius","location":"Lyon, FR"}' },
        },
      ],
    });
    expect(all.at(-1)!.finish_reason).toBe('tool_calls');
    expect(usage).toMatchObject({ prompt_tokens: 122, completion_tokens: 33 });
  });

  it('ends with an error event when Ollama reports an error mid-stream, after the text so far', async () => {
    const { chunks, end } = await replay('chat-stream-error.ndjson');
    expect(
      choices(chunks)
        .map((c) => c.delta['content'])
        .join(''),
    ).toBe('The sky');
    expect(end).toMatchObject({ kind: 'error', error: { code: 'upstream_error' } });
    if (end.kind === 'error')
      expect(end.error.message).toMatch(/failed while streaming: an error was encountered/);
  });

  it('does not end a stream cut before its done line', async () => {
    const bytes = fixture('chat-stream.ndjson');
    const cut = bytes.slice(0, bytes.lastIndexOf(10, bytes.length - 2) + 1);
    const { end } = await replayStream(protocol, testCall({ stream: true }, { stream: true }), cut);
    expect(end).toEqual({ kind: 'none' });
  });
});
