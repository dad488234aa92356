import { CohereClientV2, CohereError } from 'cohere-ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeEmbedding } from '../fake-openai/embeddings.js';
import { startFakeCohere, type FakeCohere } from './start-fake-cohere.js';

// The fake's /v2/embed is only trusted once Cohere's own SDK (CohereClientV2), which parses
// answers with its schemas, reads them into the documented fields.
describe('startFakeCohere embed with the official cohere-ai SDK', () => {
  let fake: FakeCohere;
  let client: CohereClientV2;

  beforeAll(async () => {
    fake = await startFakeCohere({ apiKey: 'co-key' });
    client = new CohereClientV2({ token: 'co-key', environment: fake.url });
  });
  afterAll(() => fake.stop());

  it('answers embed with float vectors per text and billed input tokens', async () => {
    const answer = await client.embed(
      {
        model: 'embed-v4.0',
        texts: ['hello there', 'goodbye'],
        inputType: 'search_document',
        embeddingTypes: ['float'],
        outputDimension: 256,
      },
      { maxRetries: 0 },
    );
    expect(answer.embeddings.float).toEqual([
      fakeEmbedding('hello there', 256),
      fakeEmbedding('goodbye', 256),
    ]);
    expect(answer.texts).toEqual(['hello there', 'goodbye']);
    expect(answer.meta?.billedUnits?.inputTokens).toBe(3);
    expect(answer.responseType).toBe('embeddings_by_type');
    const seen = fake.requests.at(-1)!;
    expect([seen.path, seen.headers.authorization]).toEqual(['/v2/embed', 'Bearer co-key']);
    expect(seen.body).toMatchObject({
      input_type: 'search_document',
      embedding_types: ['float'],
      output_dimension: 256,
    });
  });

  it('raises CohereError with Cohere’s status and message: bad requests, fail-* models', async () => {
    const failure = (request: Parameters<CohereClientV2['embed']>[0]) =>
      client.embed(request, { maxRetries: 0 }).then(
        () => undefined,
        (e: unknown) => e,
      );
    const tooMany = await failure({
      model: 'embed-v4.0',
      texts: Array.from({ length: 97 }, () => 'x'),
      inputType: 'search_query',
    });
    expect(tooMany).toBeInstanceOf(CohereError);
    expect(tooMany).toMatchObject({
      statusCode: 400,
      body: { message: expect.stringMatching(/at most 96/) },
    });
    expect(
      await failure({ model: 'embed-v4.0', texts: ['x'], inputType: 'search_query', outputDimension: 3 }),
    ).toMatchObject({
      statusCode: 400,
    });
    expect(await failure({ model: 'fail-429', texts: ['x'], inputType: 'search_query' })).toMatchObject({
      statusCode: 429,
    });
    expect(await failure({ model: 'fail-404', texts: ['x'], inputType: 'search_query' })).toMatchObject({
      statusCode: 404,
    });
  });
});
