import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectMatchesOpenAISpec } from '../openai-spec/expect-matches-openai-spec.js';
import { FAKE_EMBEDDING_DIMENSIONS, fakeEmbedding } from './embeddings.js';
import { startFakeOpenAI, type FakeOpenAI } from './start-fake-openai.js';

// The fake is only trusted once OpenAI's own SDK, used as a client, accepts what it sends.
describe('startFakeOpenAI embeddings with the official openai SDK', () => {
  let fake: FakeOpenAI;
  let client: OpenAI;
  const post = (body: unknown) =>
    fetch(`${fake.url}/embeddings`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    fake = await startFakeOpenAI({ apiKey: 'sk-test' });
    client = new OpenAI({ apiKey: 'sk-test', baseURL: fake.url, maxRetries: 0 });
  });
  afterAll(() => fake.stop());

  it('answers floats in the spec’s shape, one deterministic unit vector per input', async () => {
    const answer = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['hello there', 'general kenobi'],
      encoding_format: 'float',
    });
    expectMatchesOpenAISpec('CreateEmbeddingResponse', answer);
    expect(answer.model).toBe('text-embedding-3-small');
    expect(answer.data.map((d) => d.index)).toEqual([0, 1]);
    expect(answer.data[0]!.embedding).toEqual(fakeEmbedding('hello there'));
    expect(answer.data[0]!.embedding).toHaveLength(FAKE_EMBEDDING_DIMENSIONS);
    expect(Math.hypot(...answer.data[1]!.embedding)).toBeCloseTo(1, 6);
    expect(answer.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
    expect(fake.requests.at(-1)).toMatchObject({ method: 'POST', path: '/v1/embeddings' });
  });

  it('sends base64 the SDK decodes to the same floats, honouring dimensions', async () => {
    // No encoding_format: the SDK asks for base64 and decodes it itself.
    const decoded = await client.embeddings.create({ model: 'm', input: 'hello there', dimensions: 12 });
    expect((fake.requests.at(-1)!.body as Record<string, unknown>)['encoding_format']).toBe('base64');
    expectMatchesOpenAISpec('CreateEmbeddingResponse', decoded);
    expect(decoded.data[0]!.embedding).toEqual(fakeEmbedding('hello there', 12));

    const raw = await client.embeddings.create({ model: 'm', input: [[1, 2, 3]], encoding_format: 'base64' });
    expect(typeof raw.data[0]!.embedding).toBe('string');
    expect(raw.usage.prompt_tokens).toBe(3);
  });

  it('answers what OpenAI answers to a bad request, and fail-* models with their error', async () => {
    const missing = await post({ model: 'm' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({
      error: { param: 'input', code: 'missing_required_parameter' },
    });
    expect((await post({ model: 'm', input: '' })).status).toBe(400);
    expect((await post({ model: 'm', input: 'x', encoding_format: 'int8' })).status).toBe(400);

    await expect(client.embeddings.create({ model: 'fail-429', input: 'x' })).rejects.toBeInstanceOf(
      OpenAI.RateLimitError,
    );
    await expect(client.embeddings.create({ model: 'fail-404', input: 'x' })).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
  });
});
