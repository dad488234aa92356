import { FinishReason as GeminiFinishReason } from '@google/genai';
import { describe, expect, it } from 'vitest';
import type { ProviderCall } from '../types.js';
import { FINISH_REASONS, toFinishReason } from './finish-reasons.js';
import { readGeminiResponse } from './response.js';

const call: ProviderCall = {
  providerId: 'gem',
  upstreamModel: 'gemini-2.0-flash',
  stream: false,
  includeUsage: false,
  body: {},
  signal: new AbortController().signal,
};
const read = (body: unknown) =>
  readGeminiResponse(new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body)), call);
interface Answer {
  id: string;
  model: string;
  choices: { message: { tool_calls: { id: string }[] } }[];
}
const json = (data: Uint8Array) => JSON.parse(new TextDecoder().decode(data)) as Answer;

describe('readGeminiResponse', () => {
  it('refuses an answer it cannot read, as upstream_error naming the provider', () => {
    for (const body of ['<html>', '[1]', {}, { usageMetadata: { promptTokenCount: 1 } }]) {
      expect(() => read(body)).toThrow(expect.objectContaining({ code: 'upstream_error', provider: 'gem' }));
    }
  });

  it('names the completion and tool calls itself when Gemini gives no response id', () => {
    const { data } = read({
      candidates: [
        { content: { role: 'model', parts: [{ functionCall: { name: 'f' } }] }, finishReason: 'STOP' },
      ],
    });
    const answer = json(data);
    expect(answer.id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    expect(answer.model).toBe('gemini-2.0-flash');
    expect(answer.choices[0]!.message.tool_calls[0]).toMatchObject({
      id: expect.stringMatching(/^call_[0-9a-f]{24}$/),
      function: { name: 'f', arguments: '{}' },
    });
  });

  it('keeps an id Gemini gave its function call', () => {
    const { data } = read({
      candidates: [{ content: { parts: [{ functionCall: { id: 'fc-1', name: 'f', args: {} } }] } }],
    });
    expect(json(data).choices[0]!.message.tool_calls[0]!.id).toBe('fc-1');
  });
});

describe('finish reasons', () => {
  it('map every finish reason Gemini’s SDK knows, through the one table', () => {
    const known = Object.values(GeminiFinishReason);
    expect(known.filter((r) => !(r in FINISH_REASONS))).toEqual([]);
  });

  it('call a turn that called functions tool_calls, but keep a filter or length stop', () => {
    expect(toFinishReason('STOP', true)).toBe('tool_calls');
    expect(toFinishReason('MAX_TOKENS', true)).toBe('length');
    expect(toFinishReason('SAFETY', false)).toBe('content_filter');
    expect(toFinishReason('MALFORMED_FUNCTION_CALL', false)).toBe('stop');
    expect(toFinishReason('SOMETHING_NEW', false)).toBe('stop');
  });
});
