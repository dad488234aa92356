import { AzureOpenAI, APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeEmbedding } from '../fake-openai/embeddings.js';
import { expectMatchesOpenAISpec } from '../openai-spec/expect-matches-openai-spec.js';
import { startFakeAzureOpenAI, type FakeAzureOpenAI } from './start-fake-azure-openai.js';

// The fake's embeddings are only trusted once the SDK's AzureOpenAI client accepts them.
describe('startFakeAzureOpenAI embeddings with the openai SDK’s AzureOpenAI client', () => {
  let fake: FakeAzureOpenAI;
  let client: AzureOpenAI;

  beforeAll(async () => {
    fake = await startFakeAzureOpenAI({ apiKey: 'azure-key' });
    client = new AzureOpenAI({
      endpoint: fake.url,
      apiKey: 'azure-key',
      apiVersion: '2024-10-21',
      maxRetries: 0,
    });
  });
  afterAll(() => fake.stop());

  it('answers floats at the deployment URL, naming the model the deployment runs', async () => {
    const answer = await client.embeddings.create({
      model: 'my-embedder',
      input: ['hello there', 'general kenobi'],
      encoding_format: 'float',
    });
    expectMatchesOpenAISpec('CreateEmbeddingResponse', answer);
    expect(answer.model).toBe('text-embedding-3-small');
    expect(answer.data[1]!.embedding).toEqual(fakeEmbedding('general kenobi'));
    expect(answer.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
    const seen = fake.requests.at(-1)!;
    expect([seen.path, seen.apiVersion, seen.headers['api-key']]).toEqual([
      '/openai/deployments/my-embedder/embeddings',
      '2024-10-21',
      'azure-key',
    ]);
  });

  it('sends base64 the SDK decodes to the same floats, honouring dimensions', async () => {
    const decoded = await client.embeddings.create({ model: 'dep', input: 'hello there', dimensions: 5 });
    expect((fake.requests.at(-1)!.body as Record<string, unknown>)['encoding_format']).toBe('base64');
    expectMatchesOpenAISpec('CreateEmbeddingResponse', decoded);
    expect(decoded.data[0]!.embedding).toEqual(fakeEmbedding('hello there', 5));
  });

  it('raises the SDK’s errors for fail-* deployments, naming the embeddings operation', async () => {
    const err = await client.embeddings.create({ model: 'fail-429', input: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect(err).toMatchObject({ status: 429, message: expect.stringMatching(/Embeddings_Create/) });
    await expect(client.embeddings.create({ model: 'fail-404', input: 'x' })).rejects.toMatchObject({
      status: 404,
      code: 'DeploymentNotFound',
    });
  });
});
