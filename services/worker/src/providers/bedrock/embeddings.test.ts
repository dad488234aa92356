import { EmbeddingsRequest } from '@switchyard/contracts';
import { expectMatchesOpenAISpec } from '@switchyard/testkit';
import { describe, expect, it } from 'vitest';
import { testCall } from '../../test-support/replay-stream.js';
import { bedrockProtocol } from './adapter.js';
import { toBedrockEmbeddingsRequest } from './embeddings.js';
import { toBedrockTarget, type BedrockConfig } from './http-request.js';
import { loadGoldens, refusal } from '../../test-support/golden.js';

// Golden fixtures (fixtures/embeddings/), written from Titan Text Embeddings v2's documented
// InvokeModel request and answer.
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
const config: BedrockConfig = {
  type: 'bedrock',
  region: 'us-east-1',
  access_key_id: 'AKIDEXAMPLE',
  secret_access_key: 'secret',
  headers: {},
  connections: 1,
  drop_params: false,
};
const target = toBedrockTarget(config);
const protocol = bedrockProtocol('aws', target);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const embedCall = (body: Record<string, unknown>) =>
  testCall({ model: 'alias', ...body }, { providerId: 'aws', upstreamModel: 'amazon.titan-embed-text-v2:0' });

describe('Bedrock Titan embeddings, golden both ways', () => {
  it.each(goldens)('%s', async (_file, fx) => {
    EmbeddingsRequest.parse(fx.openai); // a request the gateway accepts
    const call = testCall(fx.openai, { providerId: 'aws', upstreamModel: fx.call.upstreamModel });
    const spec = await protocol.toEmbeddingsRequest!(call);
    expect(spec.path).toBe(fx.upstream.path);
    expect(JSON.parse(spec.body)).toEqual(fx.upstream.body);

    const read = protocol.readEmbeddingsResponse!(encoder.encode(JSON.stringify(fx.upstreamAnswer)), call);
    const answer: unknown = JSON.parse(decoder.decode(read.data));
    expect(answer).toEqual(fx.answer);
    if (call.body['encoding_format'] !== 'base64') expectMatchesOpenAISpec('CreateEmbeddingResponse', answer);
    expect(read.usage).toEqual(fx.usage);
  });

  it('signs the invoke call like every Bedrock call', async () => {
    const spec = await toBedrockEmbeddingsRequest(
      target,
      embedCall({ input: 'x' }),
      new Date('2025-01-02T03:04:05Z'),
    );
    expect(spec.headers).toMatchObject({
      'content-type': 'application/json',
      accept: 'application/json',
      host: 'bedrock-runtime.us-east-1.amazonaws.com',
      'x-amz-date': '20250102T030405Z',
    });
    expect(spec.headers['authorization']).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20250102\/us-east-1\/bedrock\/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
  });
});

describe('Bedrock Titan embeddings requests it cannot honour', () => {
  it('refuse more than one text, and token ids, with a 400 naming input, drop_params or not', () => {
    for (const dropParams of [false, true]) {
      const p = bedrockProtocol('aws', { ...target, dropParams });
      expect(refusal(() => p.toEmbeddingsRequest!(embedCall({ input: ['a', 'b'] })))).toMatchObject({
        code: 'invalid_request',
        param: 'input',
        provider: 'aws',
        message: expect.stringMatching(/one text per request.*not 2/),
      });
      expect(refusal(() => p.toEmbeddingsRequest!(embedCall({ input: [1, 2] })))).toMatchObject({
        code: 'invalid_request',
        param: 'input',
        message: expect.stringMatching(/text only/),
      });
    }
  });
});

describe('Bedrock Titan embeddings answers', () => {
  const read = (answer: unknown) => () =>
    protocol.readEmbeddingsResponse!(encoder.encode(JSON.stringify(answer)), embedCall({ input: 'x' }));

  it('without inputTextTokenCount are served with zero counts and left unmetered', () => {
    const { data, usage } = read({ embedding: [0.5, 0.25] })();
    expect(JSON.parse(decoder.decode(data))).toMatchObject({ usage: { prompt_tokens: 0, total_tokens: 0 } });
    expect(usage).toBeUndefined();
  });

  it('that hold no float vector are upstream errors', () => {
    for (const answer of [{}, { embedding: 'AAAA' }, { embeddings: [[0.5]] }, { embedding: [null] }]) {
      expect(refusal(read(answer))).toMatchObject({ code: 'upstream_error', provider: 'aws' });
    }
  });

  it('of failure are mapped as chat failures are', () => {
    const err = protocol.mapError({
      status: 400,
      headers: {
        'x-amzn-errortype': 'ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/',
      },
      body: JSON.stringify({
        message: 'Malformed input request: #/dimensions: 100 is not a valid enum value',
      }),
    });
    expect([err.code, err.status, err.message]).toEqual([
      'invalid_request',
      400,
      'Malformed input request: #/dimensions: 100 is not a valid enum value',
    ]);
  });
});
