import { ProviderConfig } from '@switchyard/config';
import { EmbeddingsRequest } from '@switchyard/contracts';
import { expectMatchesOpenAISpec } from '@switchyard/testkit';
import { describe, expect, it } from 'vitest';
import { testCall } from '../../test-support/replay-stream.js';
import { geminiProtocol } from './adapter.js';
import type { GeminiConfig } from './request.js';
import { loadGoldens, refusal } from '../../test-support/golden.js';

// Golden fixtures (fixtures/embeddings/), written from Gemini's documented batchEmbedContents.
interface Golden {
  call: { upstreamModel: string };
  openai: Record<string, unknown>;
  upstream: { path: string; body: unknown };
  upstreamAnswer: unknown;
  answer: unknown;
}
const dir = new URL('./fixtures/embeddings/', import.meta.url);
const goldens = loadGoldens<Golden>(dir);
const config = ProviderConfig.parse({ type: 'gemini', api_key: 'AIza-test' }) as GeminiConfig;
const protocol = geminiProtocol('gem', config);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const embedCall = (body: Record<string, unknown>, upstreamModel = 'gemini-embedding-001') =>
  testCall({ model: 'alias', ...body }, { providerId: 'gem', upstreamModel });

describe('Gemini embeddings, golden both ways', () => {
  it.each(goldens)('%s', (_file, fx) => {
    EmbeddingsRequest.parse(fx.openai); // a request the gateway accepts
    const call = testCall(fx.openai, { providerId: 'gem', upstreamModel: fx.call.upstreamModel });
    const spec = protocol.toEmbeddingsRequest!(call);
    expect(spec.path).toBe(fx.upstream.path);
    expect(spec.headers).toMatchObject({ 'x-goog-api-key': 'AIza-test' });
    expect(JSON.parse(spec.body)).toEqual(fx.upstream.body);

    const read = protocol.readEmbeddingsResponse!(encoder.encode(JSON.stringify(fx.upstreamAnswer)), call);
    const answer: unknown = JSON.parse(decoder.decode(read.data));
    expect(answer).toEqual(fx.answer);
    if (call.body['encoding_format'] !== 'base64') expectMatchesOpenAISpec('CreateEmbeddingResponse', answer);
    // Gemini counts no tokens: nothing is metered rather than a made-up count.
    expect(read.usage).toBeUndefined();
  });
});

describe('Gemini embeddings requests it cannot honour', () => {
  it('refuse token ids with a 400 naming input, drop_params or not', () => {
    for (const drop_params of [false, true]) {
      const p = geminiProtocol('gem', { ...config, drop_params });
      expect(refusal(() => p.toEmbeddingsRequest!(embedCall({ input: [1, 2, 3] })))).toMatchObject({
        code: 'invalid_request',
        param: 'input',
        provider: 'gem',
      });
    }
  });

  it('refuse a model name that would reach another path', () => {
    expect(
      refusal(() => protocol.toEmbeddingsRequest!(embedCall({ input: 'x' }, '../files/x'))),
    ).toMatchObject({ code: 'invalid_request', param: 'model' });
  });
});

describe('Gemini embeddings answers', () => {
  const read = (text: string) => () =>
    protocol.readEmbeddingsResponse!(encoder.encode(text), embedCall({ input: ['a', 'b'] }));

  it('that are not one vector per input are upstream errors', () => {
    const one = '{"embeddings":[{"values":[0.5]}]}';
    for (const text of ['<html>', '{}', '{"embeddings":[{"values":["a"]},{}]}', one]) {
      expect(refusal(read(text))).toMatchObject({ code: 'upstream_error', provider: 'gem' });
    }
  });

  it('of failure are mapped as chat failures are', () => {
    const err = protocol.mapError({
      status: 400,
      headers: {},
      body: JSON.stringify({
        error: {
          code: 400,
          message: '* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n',
          status: 'INVALID_ARGUMENT',
        },
      }),
    });
    expect([err.code, err.status]).toEqual(['invalid_request', 400]);
    expect(err.message).toMatch(/at most 100 requests/);
  });
});
