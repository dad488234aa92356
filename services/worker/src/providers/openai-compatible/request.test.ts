import { describe, expect, it } from 'vitest';
import type { ProviderCall } from '../types.js';
import { toOpenAIBody, toOpenAIEmbeddingsRequest, toOpenAITarget } from './request.js';

const call = (body: Record<string, unknown>, stream: boolean): ProviderCall => ({
  providerId: 'acme',
  upstreamModel: 'llama-3.1-8b',
  stream,
  includeUsage: false,
  body,
  signal: new AbortController().signal,
});

describe('toOpenAIBody', () => {
  it('replaces the model and passes unknown fields through', () => {
    const body = { model: 'alias', messages: [], top_k: 5, reasoning: { effort: 'low' } };
    expect(toOpenAIBody(call(body, false))).toEqual({
      model: 'llama-3.1-8b',
      messages: [],
      top_k: 5,
      reasoning: { effort: 'low' },
    });
  });

  it('always asks for usage on streams, keeping other stream options', () => {
    const body = {
      model: 'a',
      messages: [],
      stream: true,
      stream_options: { include_usage: false, include_obfuscation: false },
    };
    expect(toOpenAIBody(call(body, true))).toMatchObject({
      stream: true,
      stream_options: { include_usage: true, include_obfuscation: false },
    });
    expect(body.stream_options.include_usage).toBe(false); // the caller's body is not mutated
  });
});

describe('toOpenAITarget', () => {
  const base = { type: 'openai-compatible' as const, headers: {}, connections: 4 };

  it('keeps the base path and sends the key as a bearer token with the configured headers', () => {
    const target = toOpenAITarget({
      ...base,
      base_url: 'https://api.groq.com/openai/v1/',
      api_key: 'k',
      headers: { 'x-title': 't' },
    });
    expect(target).toEqual({
      origin: 'https://api.groq.com',
      chatPath: '/openai/v1/chat/completions',
      embeddingsPath: '/openai/v1/embeddings',
      headers: { 'x-title': 't', 'content-type': 'application/json', authorization: 'Bearer k' },
    });
  });

  it('turns URL credentials into a basic auth header instead of dialing them', () => {
    const target = toOpenAITarget({ ...base, base_url: 'http://me:p%40ss@vllm.internal:8000/v1' });
    expect(target.origin).toBe('http://vllm.internal:8000');
    expect(target.headers['authorization']).toBe(`Basic ${Buffer.from('me:p@ss').toString('base64')}`);
  });
});

describe('toOpenAIEmbeddingsRequest', () => {
  it('posts to /embeddings under the base path with the upstream model, other fields untouched', () => {
    const target = toOpenAITarget({
      type: 'openai-compatible',
      base_url: 'http://vllm.internal:8000/v1',
      headers: {},
      connections: 4,
      drop_params: false,
    });
    const body = { model: 'alias', input: ['a', 'b'], encoding_format: 'base64', dimensions: 64 };
    const spec = toOpenAIEmbeddingsRequest(target, call(body, false));
    expect(spec.path).toBe('/v1/embeddings');
    expect(JSON.parse(spec.body)).toEqual({ ...body, model: 'llama-3.1-8b' });
  });
});
