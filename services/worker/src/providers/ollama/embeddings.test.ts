import { readFileSync } from 'node:fs';
import { ProviderConfig } from '@switchyard/config';
import { EmbeddingsRequest } from '@switchyard/contracts';
import { expectMatchesOpenAISpec } from '@switchyard/testkit';
import { describe, expect, it } from 'vitest';
import { testCall } from '../../test-support/replay-stream.js';
import { ollamaProtocol } from './adapter.js';
import type { OllamaConfig } from './request.js';
import { loadGoldens, refusal } from '../../test-support/golden.js';

// Golden fixtures (fixtures/embeddings/), written from Ollama's documented /api/embed.
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
const config = ProviderConfig.parse({ type: 'ollama' }) as OllamaConfig;
const protocol = ollamaProtocol('ollama', config);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const embedCall = (body: Record<string, unknown>) =>
  testCall({ model: 'alias', ...body }, { providerId: 'ollama', upstreamModel: 'all-minilm' });

describe('Ollama embeddings, golden both ways', () => {
  it.each(goldens)('%s', (_file, fx) => {
    EmbeddingsRequest.parse(fx.openai); // a request the gateway accepts
    const call = testCall(fx.openai, { providerId: 'ollama', upstreamModel: fx.call.upstreamModel });
    const spec = protocol.toEmbeddingsRequest!(call);
    expect(spec.path).toBe(fx.upstream.path);
    expect(JSON.parse(spec.body)).toEqual(fx.upstream.body);

    const read = protocol.readEmbeddingsResponse!(encoder.encode(JSON.stringify(fx.upstreamAnswer)), call);
    const answer: unknown = JSON.parse(decoder.decode(read.data));
    expect(answer).toEqual(fx.answer);
    if (call.body['encoding_format'] !== 'base64') expectMatchesOpenAISpec('CreateEmbeddingResponse', answer);
    expect(read.usage).toEqual(fx.usage);
  });
});

describe('Ollama embeddings requests it cannot honour', () => {
  it('refuse token ids with a 400 naming input, drop_params or not', () => {
    for (const drop_params of [false, true]) {
      const p = ollamaProtocol('ollama', { ...config, drop_params });
      expect(refusal(() => p.toEmbeddingsRequest!(embedCall({ input: [5, 6] })))).toMatchObject({
        code: 'invalid_request',
        param: 'input',
        provider: 'ollama',
      });
    }
  });
});

describe('Ollama embed answers', () => {
  const read = (answer: unknown) => () =>
    protocol.readEmbeddingsResponse!(
      encoder.encode(JSON.stringify(answer)),
      embedCall({ input: ['a', 'b'] }),
    );

  it('without prompt_eval_count are served with zero counts and left unmetered', () => {
    const { data, usage } = read({ model: 'm', embeddings: [[0.5], [0.25]] })();
    expect(JSON.parse(decoder.decode(data))).toMatchObject({ usage: { prompt_tokens: 0, total_tokens: 0 } });
    expect(usage).toBeUndefined();
  });

  it('that are not one vector per input are upstream errors', () => {
    for (const answer of [
      {},
      { embedding: [0.5] },
      { embeddings: [[0.5]] },
      { embeddings: [[0.5], ['x']] },
    ]) {
      expect(refusal(read(answer))).toMatchObject({ code: 'upstream_error', provider: 'ollama' });
    }
  });

  it('of failure are mapped as chat failures are: an unknown model is 404', () => {
    const err = protocol.mapError({
      status: 404,
      headers: {},
      body: readFileSync(new URL('./fixtures/model-not-found.json', import.meta.url), 'utf8'),
    });
    expect([err.code, err.status]).toEqual(['model_not_found', 404]);
  });
});
