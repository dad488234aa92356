import { ApiError, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeEmbedding } from '../fake-openai/embeddings.js';
import { startFakeGemini, type FakeGemini } from './start-fake-gemini.js';

// The fake's batchEmbedContents is only trusted once Google's own SDK, whose embedContent calls
// it for the Gemini API, reads its answers and errors.
const KEY = 'AIzaSy-fake-gemini-key-0123456789';
let fake: FakeGemini;
let ai: GoogleGenAI;
beforeAll(async () => {
  fake = await startFakeGemini({ apiKey: KEY });
  ai = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: fake.url } });
});
afterAll(() => fake.stop());

const post = (path: string, body: unknown) =>
  fetch(`${fake.url}${path}`, {
    method: 'POST',
    headers: { 'x-goog-api-key': KEY, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('startFakeGemini batchEmbedContents with the official @google/genai SDK', () => {
  it('answers embedContent with one vector per content, honouring outputDimensionality', async () => {
    const answer = await ai.models.embedContent({
      model: 'gemini-embedding-001',
      contents: ['What is the meaning of life?', 'How does the brain work?'],
      config: { outputDimensionality: 5, taskType: 'RETRIEVAL_DOCUMENT' },
    });
    expect(answer.embeddings?.map((e) => e.values)).toEqual([
      fakeEmbedding('What is the meaning of life?', 5),
      fakeEmbedding('How does the brain work?', 5),
    ]);
    const seen = fake.requests.at(-1)!;
    expect(seen.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(seen.body).toMatchObject({
      requests: [
        { model: 'models/gemini-embedding-001', taskType: 'RETRIEVAL_DOCUMENT', outputDimensionality: 5 },
        { model: 'models/gemini-embedding-001' },
      ],
    });
  });

  it('raises the SDK’s ApiError for fail-* models, with Google’s status', async () => {
    const failure = (model: string) =>
      ai.models.embedContent({ model, contents: 'x' }).then(
        () => undefined,
        (e: unknown) => e,
      );
    const notFound = await failure('fail-404');
    expect(notFound).toBeInstanceOf(ApiError);
    expect(notFound).toMatchObject({ status: 404, message: expect.stringMatching(/embedContent/) });
    expect(await failure('fail-429')).toMatchObject({ status: 429 });
  });

  it('refuses what the Gemini API refuses: unknown fields, a model that is not the batch’s, too many requests', async () => {
    const path = '/v1beta/models/gemini-embedding-001:batchEmbedContents';
    const one = (extra: object = {}) => ({
      model: 'models/gemini-embedding-001',
      content: { parts: [{ text: 'x' }] },
      ...extra,
    });
    for (const body of [
      { requests: [one({ output_dimensionality: 3 })] },
      { requests: [one({ model: 'models/other' })] },
      { requests: Array.from({ length: 101 }, () => one()) },
      { requests: [], extra: 1 },
    ]) {
      const res = await post(path, body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { status: 'INVALID_ARGUMENT' } });
    }
  });
});
