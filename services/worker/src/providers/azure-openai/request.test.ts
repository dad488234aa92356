import { describe, expect, it } from 'vitest';
import { testCall } from '../../test-support/replay-stream.js';
import { toAzureRequest, toAzureTarget, type AzureOpenAIConfig } from './request.js';

const config = (extra: Partial<AzureOpenAIConfig> = {}): AzureOpenAIConfig => ({
  type: 'azure-openai',
  base_url: 'https://my-resource.openai.azure.com',
  api_version: '2024-10-21',
  api_key: 'azure-key-123',
  headers: {},
  connections: 4,
  drop_params: false,
  ...extra,
});

describe('toAzureRequest', () => {
  it('addresses the deployment named by the upstream model, with api-version and the api-key header', () => {
    const target = toAzureTarget(config({ headers: { 'x-ms-client': 'sy' } }));
    const spec = toAzureRequest(
      target,
      testCall({ model: 'alias', messages: [] }, { upstreamModel: 'gpt4o prod' }),
    );
    expect(target.origin).toBe('https://my-resource.openai.azure.com');
    expect(spec.path).toBe('/openai/deployments/gpt4o%20prod/chat/completions?api-version=2024-10-21');
    expect(spec.headers).toEqual({
      'x-ms-client': 'sy',
      'content-type': 'application/json',
      'api-key': 'azure-key-123',
    });
    expect(spec.headers).not.toHaveProperty('authorization');
  });

  it('accepts the endpoint with the /openai segment, or behind a path prefix', () => {
    const call = testCall({ model: 'a', messages: [] }, { upstreamModel: 'dep' });
    const withOpenAI = toAzureTarget(config({ base_url: 'https://r.openai.azure.com/openai/' }));
    expect(toAzureRequest(withOpenAI, call).path).toBe(
      '/openai/deployments/dep/chat/completions?api-version=2024-10-21',
    );
    const proxied = toAzureTarget(
      config({ base_url: 'https://apim.example.com/llm', api_version: '2025-01-01-preview' }),
    );
    expect(toAzureRequest(proxied, call).path).toBe(
      '/llm/openai/deployments/dep/chat/completions?api-version=2025-01-01-preview',
    );
  });

  it('sends no api-key without a key, so an Entra ID bearer header from config authenticates', () => {
    const target = toAzureTarget(
      config({ api_key: undefined, headers: { authorization: 'Bearer entra-token' } }),
    );
    expect(target.headers).toEqual({
      authorization: 'Bearer entra-token',
      'content-type': 'application/json',
    });
  });

  it('sends the OpenAI body: the deployment as model, usage always requested on streams', () => {
    const body = { model: 'alias', messages: [{ role: 'user', content: 'hi' }], stream: true, seed: 7 };
    const spec = toAzureRequest(toAzureTarget(config()), testCall(body, { upstreamModel: 'dep' }));
    expect(JSON.parse(spec.body)).toEqual({
      model: 'dep',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
      seed: 7,
    });
  });
});
