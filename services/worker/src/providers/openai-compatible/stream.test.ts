import { describe, expect, it } from 'vitest';
import type { ProviderCall } from '../types.js';
import { readOpenAIStreamEvent } from './stream.js';

const call = (includeUsage: boolean): ProviderCall => ({
  providerId: 'acme',
  upstreamModel: 'm',
  stream: true,
  includeUsage,
  body: {},
  signal: new AbortController().signal,
});
const chunk = (extra: object) =>
  JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', ...extra });
const usage = {
  prompt_tokens: 3,
  completion_tokens: 4,
  total_tokens: 7,
  prompt_tokens_details: { cached_tokens: 1 },
};

describe('readOpenAIStreamEvent', () => {
  it('forwards content chunks as the text they came as', () => {
    const data = chunk({
      choices: [{ index: 0, delta: { content: 'say "error": no' }, finish_reason: null }],
      usage: null,
    });
    expect(readOpenAIStreamEvent(data, call(false))).toEqual({ kind: 'chunk', data, forward: true });
  });

  it('reads usage from the usage-only chunk and drops it unless the caller asked', () => {
    const data = chunk({ choices: [], usage });
    const summary = { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, cached_tokens: 1 };
    expect(readOpenAIStreamEvent(data, call(false))).toEqual({
      kind: 'chunk',
      data,
      forward: false,
      usage: summary,
    });
    expect(readOpenAIStreamEvent(data, call(true))).toEqual({
      kind: 'chunk',
      data,
      forward: true,
      usage: summary,
    });
  });

  it('keeps a content chunk that also carries usage', () => {
    const data = chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage });
    expect(readOpenAIStreamEvent(data, call(false))).toMatchObject({ kind: 'chunk', forward: true });
  });

  it('ends on [DONE]', () => {
    expect(readOpenAIStreamEvent('[DONE]', call(false))).toEqual({ kind: 'done' });
  });

  it('turns an error event into an upstream_error with the provider message', () => {
    const event = readOpenAIStreamEvent(
      JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } }),
      call(false),
    );
    expect(event.kind).toBe('error');
    if (event.kind !== 'error') return;
    expect([event.error.code, event.error.provider, event.error.message]).toEqual([
      'upstream_error',
      'acme',
      'Provider acme failed while streaming: overloaded',
    ]);
  });

  it('does not forward empty keep-alive events', () => {
    expect(readOpenAIStreamEvent('', call(true))).toMatchObject({ kind: 'chunk', forward: false });
  });
});
