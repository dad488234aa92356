import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeEmbedding } from '../fake-openai/embeddings.js';
import { startFakeOllama, type FakeOllama } from './start-fake-ollama.js';

// Ollama has no official npm SDK among our dependencies, so the fake's /api/embed is checked
// against the examples of Ollama's own API documentation (fixtures/documented-embed-examples.json):
// it must accept each documented request and answer every documented field, with its type.
interface Example {
  request: Record<string, unknown>;
  responses: Record<string, unknown>[];
}
const EXAMPLES = JSON.parse(
  readFileSync(new URL('./fixtures/documented-embed-examples.json', import.meta.url), 'utf8'),
) as Record<string, Example>;

describe('startFakeOllama against Ollama’s documented /api/embed examples', () => {
  let fake: FakeOllama;
  const embed = (body: unknown): Promise<Response> =>
    fetch(`${fake.url}/api/embed`, { method: 'POST', body: JSON.stringify(body) });

  beforeAll(async () => {
    fake = await startFakeOllama();
  });
  afterAll(() => fake.stop());

  it.each(Object.keys(EXAMPLES))(
    'answers the documented %s request in the documented shape',
    async (name) => {
      const { request, responses } = EXAMPLES[name]!;
      const res = await embed(request);
      expect([res.status, res.headers.get('content-type')]).toEqual([200, 'application/json']);
      const answer = (await res.json()) as Record<string, unknown>;
      const documented = responses[0]!;
      for (const [key, value] of Object.entries(documented))
        expect(typeof answer[key], key).toBe(typeof value);
      const vectors = answer['embeddings'] as number[][];
      expect(vectors).toHaveLength((documented['embeddings'] as unknown[]).length);
      expect(vectors.every((v) => v.every((x) => typeof x === 'number'))).toBe(true);
    },
  );

  it('embeds each input deterministically, honouring dimensions, counting words as tokens', async () => {
    const request = {
      model: 'm',
      input: ['one two', 'three'],
      dimensions: 5,
      truncate: true,
      keep_alive: '5m',
      options: { num_ctx: 2048 },
    };
    const answer = await (await embed(request)).json();
    expect(answer).toMatchObject({
      model: 'm',
      embeddings: [fakeEmbedding('one two', 5), fakeEmbedding('three', 5)],
      prompt_eval_count: 3,
    });
  });

  it('answers errors as {"error": …} with the status: a missing model 404, a bad input 400', async () => {
    const missing = await embed({ model: 'fail-404', input: 'x' });
    expect([missing.status, await missing.json()]).toEqual([
      404,
      { error: 'model "fail-404" not found, try pulling it first' },
    ]);
    const tokens = await embed({ model: 'm', input: [1, 2] });
    expect([tokens.status, await tokens.json()]).toEqual([400, { error: 'invalid input type' }]);
    expect((await embed({ input: 'x' })).status).toBe(400);
  });
});
