import { Mistral } from '@mistralai/mistralai';
import type { MistralError } from '@mistralai/mistralai/models/errors';
import { HTTPValidationError } from '@mistralai/mistralai/models/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeEmbedding } from '../fake-openai/embeddings.js';
import { startFakeMistral, type FakeMistral } from './start-fake-mistral.js';

// The fake's embeddings are only trusted once Mistral's SDK, which validates answers against its
// schemas, accepts them.
describe('startFakeMistral embeddings with the official @mistralai/mistralai SDK', () => {
  let fake: FakeMistral;
  let client: Mistral;

  beforeAll(async () => {
    fake = await startFakeMistral({ apiKey: 'mistral-key' });
    client = new Mistral({ apiKey: 'mistral-key', serverURL: fake.url, retryConfig: { strategy: 'none' } });
  });
  afterAll(() => fake.stop());

  it('answers embeddings.create with one deterministic vector per input, and usage', async () => {
    const answer = await client.embeddings.create({
      model: 'mistral-embed',
      inputs: ['Embed this sentence.', 'As well as this one.'],
    });
    expect(answer).toMatchObject({ object: 'list', model: 'mistral-embed' });
    expect(answer.data.map((d) => [d.index, d.embedding])).toEqual([
      [0, fakeEmbedding('Embed this sentence.')],
      [1, fakeEmbedding('As well as this one.')],
    ]);
    expect(answer.usage).toMatchObject({ promptTokens: 8, totalTokens: 8, completionTokens: 0 });
    const seen = fake.requests.at(-1)!;
    expect([seen.path, seen.headers.authorization]).toEqual(['/v1/embeddings', 'Bearer mistral-key']);
  });

  it('honours outputDimension, sent as output_dimension', async () => {
    const answer = await client.embeddings.create({
      model: 'codestral-embed',
      inputs: 'x',
      outputDimension: 3,
    });
    expect(answer.data[0]!.embedding).toEqual(fakeEmbedding('x', 3));
    expect(fake.requests.at(-1)!.body).toMatchObject({ output_dimension: 3 });
  });

  it('raises the SDK’s errors: 422 for a field Mistral does not know, fail-* models', async () => {
    const raw = await fetch(`${fake.url}/v1/embeddings`, {
      method: 'POST',
      headers: { authorization: 'Bearer mistral-key' },
      body: JSON.stringify({ model: 'm', input: [[1, 2]], user: 'u' }),
    });
    expect(raw.status).toBe(422);
    expect(
      ((await raw.json()) as { message: { detail: { loc: unknown[] }[] } }).message.detail.map((d) => d.loc),
    ).toEqual([
      ['body', 'user'],
      ['body', 'input', 'str'],
    ]);
    const bad = await client.embeddings
      .create({ model: 'm', inputs: 'x', outputDimension: -1 })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(HTTPValidationError);

    const statusOf = (model: string): Promise<MistralError> =>
      client.embeddings.create({ model, inputs: 'x' }).then(
        () => {
          throw new Error(`${model} answered`);
        },
        (e: unknown) => e as MistralError,
      );
    expect(await statusOf('fail-429')).toMatchObject({ statusCode: 429 });
    const invalid = await statusOf('fail-404');
    expect([invalid.statusCode, JSON.parse(invalid.body).type]).toEqual([400, 'invalid_model']);
  });
});
