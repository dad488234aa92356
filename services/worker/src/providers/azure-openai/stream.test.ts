import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replayStream, testCall } from '../../test-support/replay-stream.js';
import { azureOpenAIProtocol } from './adapter.js';

const fixture = (name: string): Uint8Array => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const protocol = azureOpenAIProtocol('azure', {
  type: 'azure-openai',
  base_url: 'https://r.openai.azure.com',
  api_version: '2024-10-21',
  headers: {},
  connections: 1,
  drop_params: false,
});
const call = (includeUsage: boolean) =>
  testCall({ model: 'm', messages: [], stream: true }, { stream: true, includeUsage });

describe('Azure stream translation', () => {
  it('drops the prompt-filter chunk, keeps content and a content_filter finish, meters usage', async () => {
    const { chunks, usage, end } = await replayStream(protocol, call(false), fixture('stream-filtered.sse'));
    expect(end).toEqual({ kind: 'done' });
    expect(chunks.every((c) => c['object'] === 'chat.completion.chunk')).toBe(true);
    const choices = chunks.map((c) => (c['choices'] as Record<string, unknown>[])[0]);
    expect(choices.map((c) => (c?.['delta'] as { content?: string }).content ?? '').join('')).toBe(
      'Hello there',
    );
    expect(choices.at(-1)?.['finish_reason']).toBe('content_filter');
    expect(usage).toEqual({ prompt_tokens: 9, completion_tokens: 2, total_tokens: 11, cached_tokens: 0 });
  });

  it('forwards the usage chunk only when the caller asked for it', async () => {
    const without = await replayStream(protocol, call(false), fixture('stream-filtered.sse'));
    const withUsage = await replayStream(protocol, call(true), fixture('stream-filtered.sse'));
    expect(withUsage.chunks).toHaveLength(without.chunks.length + 1);
    expect(withUsage.chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: 11 } });
  });

  it('forwards a whole answer’s bytes untouched and reads its usage, cached tokens included', () => {
    const bytes = fixture('completion.json');
    const { data, usage } = protocol.readResponse(bytes, testCall({ model: 'm', messages: [] }));
    expect(data).toBe(bytes);
    expect(usage).toEqual({ prompt_tokens: 12, completion_tokens: 7, total_tokens: 19, cached_tokens: 4 });
  });
});
