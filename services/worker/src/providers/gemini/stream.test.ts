import { describe, expect, it } from 'vitest';
import type { ProviderCall, StreamEvent } from '../types.js';
import { createGeminiStreamTranslator } from './stream.js';

const call = (includeUsage = false): ProviderCall => ({
  providerId: 'gem',
  upstreamModel: 'gemini-2.0-flash',
  stream: true,
  includeUsage,
  body: {},
  signal: new AbortController().signal,
});
const event = (data: object | string) => ({ data: typeof data === 'string' ? data : JSON.stringify(data) });
const text = (t: string, extra: object = {}) => ({
  candidates: [{ content: { role: 'model', parts: [{ text: t }] }, ...extra }],
});
const usage = { promptTokenCount: 2, candidatesTokenCount: 3, totalTokenCount: 5 };
const kinds = (events: readonly StreamEvent[]) =>
  events.map((e) => (e.kind === 'chunk' ? `chunk:${e.forward}` : e.kind));

describe('createGeminiStreamTranslator', () => {
  it('waits for the usage when the finish arrives without it, then ends', () => {
    const translate = createGeminiStreamTranslator(call(true));
    expect(kinds(translate(event(text('Hi', { finishReason: 'STOP' }))))).toEqual([
      'chunk:true',
      'chunk:true',
      'chunk:true',
    ]);
    const last = translate(event({ usageMetadata: usage }));
    expect(kinds(last)).toEqual(['chunk:true', 'done']);
    expect(last[0]).toMatchObject({ usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 } });
  });

  it('does not end on running usage while the candidate is still generating', () => {
    const translate = createGeminiStreamTranslator(call());
    expect(kinds(translate(event({ ...text('a'), usageMetadata: usage })))).toEqual([
      'chunk:true',
      'chunk:true',
    ]);
  });

  it('reads usage for metering even when the caller did not ask for the usage chunk', () => {
    const translate = createGeminiStreamTranslator(call(false));
    const out = translate(event({ ...text('a', { finishReason: 'STOP' }), usageMetadata: usage }));
    expect(kinds(out)).toEqual(['chunk:true', 'chunk:true', 'chunk:true', 'chunk:false', 'done']);
    expect(out[3]).toMatchObject({ usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 } });
  });

  it('ignores what follows the end and empty keep-alive events', () => {
    const translate = createGeminiStreamTranslator(call());
    expect(translate(event(' '))).toEqual([]);
    translate(event({ ...text('a', { finishReason: 'STOP' }), usageMetadata: usage }));
    expect(translate(event(text('late')))).toEqual([]);
  });

  it('keeps one completion id across chunks when Gemini gives no response id', () => {
    const translate = createGeminiStreamTranslator(call());
    const ids = [...translate(event(text('a'))), ...translate(event(text('b')))].map(
      (e) => (JSON.parse((e as { data: string }).data) as { id: string }).id,
    );
    expect(ids[0]).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(1);
  });

  it('maps a rate limit reported inside the stream, and a non-JSON event, to errors', () => {
    const limited = createGeminiStreamTranslator(call())(
      event({ error: { code: 429, message: 'Resource has been exhausted', status: 'RESOURCE_EXHAUSTED' } }),
    );
    expect(limited).toMatchObject([{ kind: 'error', error: { code: 'rate_limited', provider: 'gem' } }]);
    const garbled = createGeminiStreamTranslator(call())(event('{"candidates": ['));
    expect(garbled).toMatchObject([{ kind: 'error', error: { code: 'upstream_error' } }]);
  });
});
