import { EmbeddingsRequest } from '@switchyard/contracts';
import { expectMatchesOpenAISpec } from '@switchyard/testkit';
import { describe, expect, it } from 'vitest';
import { testCall } from '../../test-support/replay-stream.js';
import { mistralProtocol } from './adapter.js';
import { loadGoldens, refusal } from '../../test-support/golden.js';

// Golden fixtures (fixtures/embeddings/), written from Mistral's documented embeddings wire format.
interface Golden {
  call: { upstreamModel: string };
  openai: Record<string, unknown>;
  upstream: { path: string; body: unknown };
  upstreamAnswer: unknown;
  answer: unknown;
  usage: unknown;
}
const dir = new URL('./fixtures/embeddings/', import.meta.url);
const goldens = loadGoldens<Golden>(dir);
const config = {
  type: 'mistral' as const,
  base_url: 'https://api.mistral.ai/v1',
  api_key: 'mistral-key',
  headers: {},
  connections: 1,
  drop_params: false,
};
const protocol = mistralProtocol('mistral', config);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const embedCall = (body: Record<string, unknown>) =>
  testCall({ model: 'alias', ...body }, { providerId: 'mistral', upstreamModel: 'mistral-embed' });

describe('Mistral embeddings, golden both ways', () => {
  it.each(goldens)('%s', (_file, fx) => {
    EmbeddingsRequest.parse(fx.openai); // a request the gateway accepts
    const call = testCall(fx.openai, { providerId: 'mistral', upstreamModel: fx.call.upstreamModel });
    const spec = protocol.toEmbeddingsRequest!(call);
    expect(spec.path).toBe(fx.upstream.path);
    expect(spec.headers).toMatchObject({ authorization: 'Bearer mistral-key' });
    expect(JSON.parse(spec.body)).toEqual(fx.upstream.body);

    const { data, usage } = protocol.readEmbeddingsResponse!(
      encoder.encode(JSON.stringify(fx.upstreamAnswer)),
      call,
    );
    const answer: unknown = JSON.parse(decoder.decode(data));
    expect(answer).toEqual(fx.answer);
    if (call.body['encoding_format'] !== 'base64') expectMatchesOpenAISpec('CreateEmbeddingResponse', answer);
    expect(usage).toEqual(fx.usage);
  });
});

describe('Mistral embeddings requests it cannot honour', () => {
  it('refuse token ids with a 400 naming input, drop_params or not', () => {
    for (const dropParams of [false, true]) {
      const lenient = mistralProtocol('mistral', { ...config, drop_params: dropParams });
      expect(refusal(() => lenient.toEmbeddingsRequest!(embedCall({ input: [[1, 2, 3]] })))).toMatchObject({
        code: 'invalid_request',
        param: 'input',
        provider: 'mistral',
        message: expect.stringMatching(/embeds text only/),
      });
    }
  });

  it('refuse base64 of integer or binary vectors, which are not float32', () => {
    const err = refusal(() =>
      protocol.toEmbeddingsRequest!(
        embedCall({ input: 'x', encoding_format: 'base64', output_dtype: 'int8' }),
      ),
    );
    expect(err).toMatchObject({ code: 'invalid_request', param: 'encoding_format' });
    const floats = protocol.toEmbeddingsRequest!(embedCall({ input: 'x', output_dtype: 'int8' }));
    expect(JSON.parse(floats.body)).toMatchObject({ output_dtype: 'int8' });
  });
});

describe('Mistral embeddings answers', () => {
  const read = (answer: unknown) =>
    protocol.readEmbeddingsResponse!(encoder.encode(JSON.stringify(answer)), embedCall({ input: 'x' }));

  it('without usage are served with zero counts and left unmetered', () => {
    const { data, usage } = read({ object: 'list', data: [{ embedding: [0.5], index: 0 }], model: 'm' });
    expect(JSON.parse(decoder.decode(data))).toMatchObject({ usage: { prompt_tokens: 0, total_tokens: 0 } });
    expect(usage).toBeUndefined();
  });

  it('that are not one vector per input are upstream errors', () => {
    expect(refusal(() => read({ data: [{ embedding: ['a'] }] }))).toMatchObject({ code: 'upstream_error' });
    expect(refusal(() => read({ object: 'list' }))).toMatchObject({ code: 'upstream_error' });
    const two = { data: [{ embedding: [0.5] }, { embedding: [0.5] }] }; // for one input
    expect(refusal(() => read(two))).toMatchObject({ code: 'upstream_error' });
    expect(
      refusal(() => protocol.readEmbeddingsResponse!(encoder.encode('<html>'), embedCall({ input: 'x' }))),
    ).toMatchObject({ code: 'upstream_error', provider: 'mistral' });
  });

  it('of failure are mapped as chat failures are, a validation error naming its field', () => {
    const err = protocol.mapError({
      status: 422,
      headers: {},
      body: JSON.stringify({
        object: 'error',
        message: {
          detail: [{ type: 'string_type', loc: ['body', 'input'], msg: 'Input should be a valid string' }],
        },
        type: 'invalid_request_error',
        param: null,
        code: null,
      }),
    });
    expect([err.code, err.param]).toEqual(['invalid_request', 'input']);
  });
});
