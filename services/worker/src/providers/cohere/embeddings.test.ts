import { ProviderConfig } from '@switchyard/config';
import { EmbeddingsRequest } from '@switchyard/contracts';
import { expectMatchesOpenAISpec } from '@switchyard/testkit';
import { describe, expect, it } from 'vitest';
import { testCall } from '../../test-support/replay-stream.js';
import { cohereProtocol } from './adapter.js';
import type { CohereConfig } from './request.js';
import { loadGoldens, refusal } from '../../test-support/golden.js';

// Golden fixtures (fixtures/embeddings/), written from Cohere's documented v2 embed wire format.
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
const config = ProviderConfig.parse({ type: 'cohere', api_key: 'co-key' }) as CohereConfig;
const protocol = cohereProtocol('cohere', config);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const embedCall = (body: Record<string, unknown>) =>
  testCall({ model: 'alias', ...body }, { providerId: 'cohere', upstreamModel: 'embed-v4.0' });

describe('Cohere embeddings, golden both ways', () => {
  it.each(goldens)('%s', (_file, fx) => {
    EmbeddingsRequest.parse(fx.openai); // a request the gateway accepts
    const call = testCall(fx.openai, { providerId: 'cohere', upstreamModel: fx.call.upstreamModel });
    const spec = protocol.toEmbeddingsRequest!(call);
    expect(spec.path).toBe(fx.upstream.path);
    expect(spec.headers).toMatchObject({ authorization: 'Bearer co-key' });
    expect(JSON.parse(spec.body)).toEqual(fx.upstream.body);

    const read = protocol.readEmbeddingsResponse!(encoder.encode(JSON.stringify(fx.upstreamAnswer)), call);
    const answer: unknown = JSON.parse(decoder.decode(read.data));
    expect(answer).toEqual(fx.answer);
    if (call.body['encoding_format'] !== 'base64') expectMatchesOpenAISpec('CreateEmbeddingResponse', answer);
    expect(read.usage).toEqual(fx.usage);
  });
});

describe('Cohere embeddings requests it cannot honour', () => {
  it('refuse token ids with a 400 naming input, drop_params or not', () => {
    for (const drop_params of [false, true]) {
      const p = cohereProtocol('cohere', { ...config, drop_params });
      expect(refusal(() => p.toEmbeddingsRequest!(embedCall({ input: [[1, 2], [3]] })))).toMatchObject({
        code: 'invalid_request',
        param: 'input',
        provider: 'cohere',
      });
    }
  });
});

describe('Cohere embed answers', () => {
  const read = (answer: unknown) => () =>
    protocol.readEmbeddingsResponse!(
      encoder.encode(JSON.stringify(answer)),
      embedCall({ input: ['a', 'b'] }),
    );

  it('without billed units are served with zero counts and left unmetered', () => {
    const { data, usage } = read({ id: 'x', embeddings: { float: [[0.5], [0.25]] } })();
    expect(JSON.parse(decoder.decode(data))).toMatchObject({ usage: { prompt_tokens: 0, total_tokens: 0 } });
    expect(usage).toBeUndefined();
  });

  it('that are not one float vector per input are upstream errors', () => {
    for (const answer of [{}, { embeddings: { int8: [[1], [2]] } }, { embeddings: { float: [[0.5]] } }]) {
      expect(refusal(read(answer))).toMatchObject({ code: 'upstream_error', provider: 'cohere' });
    }
  });

  it('of failure are mapped as chat failures are', () => {
    const err = protocol.mapError({
      status: 400,
      headers: {},
      body: JSON.stringify({
        id: 'e',
        message: 'invalid request: total number of texts must be at most 96 - received 97',
      }),
    });
    expect([err.code, err.status]).toEqual(['invalid_request', 400]);
    expect(err.message).toMatch(/at most 96/);
  });
});
