import { EmbeddingsRequest, EmbeddingsResponse } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { testCall } from '../../test-support/replay-stream.js';
import { azureOpenAIProtocol } from './adapter.js';
import { loadGoldens } from '../../test-support/golden.js';

// Golden fixtures (fixtures/embeddings/), written from Azure's documented embeddings wire format.
interface Golden {
  call: { upstreamModel: string };
  openai: Record<string, unknown>;
  upstream: { path: string; body: unknown };
  upstreamAnswer: unknown;
  usage: unknown;
}
const dir = new URL('./fixtures/embeddings/', import.meta.url);
const goldens = loadGoldens<Golden>(dir);
const protocol = azureOpenAIProtocol('azure', {
  type: 'azure-openai',
  base_url: 'https://my-resource.openai.azure.com',
  api_version: '2024-10-21',
  api_key: 'azure-key-123',
  headers: {},
  connections: 1,
  drop_params: false,
});
const encoder = new TextEncoder();

describe('Azure embeddings, golden both ways', () => {
  it.each(goldens)('%s', (_file, fx) => {
    EmbeddingsRequest.parse(fx.openai); // a request the gateway accepts
    const call = testCall(fx.openai, { upstreamModel: fx.call.upstreamModel });
    const spec = protocol.toEmbeddingsRequest!(call);
    expect(spec.path).toBe(fx.upstream.path);
    expect(spec.headers).toMatchObject({ 'api-key': 'azure-key-123', 'content-type': 'application/json' });
    expect(JSON.parse(spec.body)).toEqual(fx.upstream.body);

    const bytes = encoder.encode(JSON.stringify(fx.upstreamAnswer));
    const { data, usage } = protocol.readEmbeddingsResponse!(bytes, call);
    expect(data).toBe(bytes); // Azure's own bytes, never re-serialised
    EmbeddingsResponse.parse(fx.upstreamAnswer);
    expect(usage).toEqual(fx.usage);
  });
});

describe('Azure embeddings answers it cannot read', () => {
  const read = (text: string) => () => protocol.readEmbeddingsResponse!(encoder.encode(text), testCall({}));

  it('refuse a body that is not JSON, or not a list of embeddings, as upstream_error', () => {
    expect(read('<html>')).toThrow(expect.objectContaining({ code: 'upstream_error', provider: 'azure' }));
    expect(read('{"object":"list"}')).toThrow(/not a list of embeddings/);
  });

  it('serve an answer without usage, unmetered', () => {
    expect(read('{"object":"list","data":[],"model":"m"}')().usage).toBeUndefined();
  });
});
