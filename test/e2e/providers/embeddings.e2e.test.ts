import {
  expectMatchesOpenAISpec,
  fakeEmbedding,
  startFakeAzureOpenAI,
  startFakeBedrock,
  startFakeCohere,
  startFakeGemini,
  startFakeMistral,
  startFakeOllama,
} from '@switchyard/testkit';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { useProviderGateway } from './provider-gateway.js';

// Embeddings through every service to each provider's fake, with the openai SDK as the caller.
const MASTER = 'sk-master-e2e-embeddings-0123456789';
const AZURE_KEY = 'azure-upstream-key-0123';
const MISTRAL_KEY = 'mistral-upstream-key-0123';
const GEMINI_KEY = 'AIzaSy-gemini-upstream-key-0123';
const COHERE_KEY = 'cohere-upstream-key-0123';
const AWS = {
  region: 'eu-west-3',
  accessKeyId: 'AKIAEMBEDDINGSE2E0001',
  secretAccessKey: 'e2e/secret+key',
  sessionToken: 'e2e-session',
};
const TITAN = 'amazon.titan-embed-text-v2:0';

const env = useProviderGateway({
  master: MASTER,
  startFake: async () => {
    const fakes = {
      azure: await startFakeAzureOpenAI({ apiKey: AZURE_KEY }),
      mistral: await startFakeMistral({ apiKey: MISTRAL_KEY }),
      gemini: await startFakeGemini({ apiKey: GEMINI_KEY }),
      cohere: await startFakeCohere({ apiKey: COHERE_KEY }),
      ollama: await startFakeOllama(),
      bedrock: await startFakeBedrock({ region: AWS.region, credentials: AWS }),
    };
    return {
      ...fakes,
      stop: async () => {
        for (const fake of Object.values(fakes)) await fake.stop();
      },
    };
  },
  config: (fakes) => ({
    providers: {
      azure: { type: 'azure-openai', base_url: fakes.azure.url, api_key: AZURE_KEY },
      mistral: { type: 'mistral', base_url: fakes.mistral.url, api_key: MISTRAL_KEY },
      google: { type: 'gemini', base_url: fakes.gemini.url, api_key: GEMINI_KEY },
      cohere: { type: 'cohere', base_url: fakes.cohere.url, api_key: COHERE_KEY },
      local: { type: 'ollama', base_url: fakes.ollama.url },
      aws: {
        type: 'bedrock',
        base_url: fakes.bedrock.url,
        region: AWS.region,
        access_key_id: AWS.accessKeyId,
        secret_access_key: AWS.secretAccessKey,
        session_token: AWS.sessionToken,
      },
    },
    models: {
      'azure-embed': { deployments: [{ provider: 'azure', model: 'prod-embed' }] },
      'azure/*': { deployments: [{ provider: 'azure' }] },
      'mistral-embed': { deployments: [{ provider: 'mistral', model: 'mistral-embed' }] },
      'mistral/*': { deployments: [{ provider: 'mistral' }] },
      'gemini-embed': { deployments: [{ provider: 'google', model: 'gemini-embedding-001' }] },
      'gemini/*': { deployments: [{ provider: 'google' }] },
      'cohere-embed': { deployments: [{ provider: 'cohere', model: 'embed-v4.0' }] },
      'cohere/*': { deployments: [{ provider: 'cohere' }] },
      'ollama-embed': { deployments: [{ provider: 'local', model: 'all-minilm' }] },
      'ollama/*': { deployments: [{ provider: 'local' }] },
      'titan-embed': { deployments: [{ provider: 'aws', model: TITAN }] },
      'bedrock/*': { deployments: [{ provider: 'aws' }] },
    },
  }),
});

/**
 * Asks for floats, then base64 (the SDK's default, which it decodes), then raw base64: every
 * answer valid against OpenAI's spec, the decoded floats the very same. Returns the float answer.
 */
async function embedBothWays(
  body: Omit<OpenAI.EmbeddingCreateParams, 'encoding_format'>,
): Promise<OpenAI.CreateEmbeddingResponse> {
  const floats = await env.client.embeddings.create({ ...body, encoding_format: 'float' });
  expectMatchesOpenAISpec('CreateEmbeddingResponse', floats);
  const decoded = await env.client.embeddings.create(body);
  expectMatchesOpenAISpec('CreateEmbeddingResponse', decoded);
  expect(decoded.data.map((d) => d.embedding)).toEqual(floats.data.map((d) => d.embedding));
  const raw = await env.client.embeddings.create({ ...body, encoding_format: 'base64' });
  expect(raw.data.every((d) => typeof d.embedding === 'string')).toBe(true);
  return floats;
}

const vectors = (answer: OpenAI.CreateEmbeddingResponse): number[][] => answer.data.map((d) => d.embedding);

describe('Azure OpenAI embeddings through the gateway', () => {
  it('answers floats and base64 from the deployment, with Azure’s key and usage', async () => {
    const answer = await embedBothWays({ model: 'azure-embed', input: ['hello azure', 'again'] });
    expect(vectors(answer)).toEqual([fakeEmbedding('hello azure'), fakeEmbedding('again')]);
    expect(answer.model).toBe('text-embedding-3-small');
    expect(answer.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    const seen = env.fake.azure.requests.at(-1)!;
    expect([seen.path, seen.apiVersion, seen.headers['api-key']]).toEqual([
      '/openai/deployments/prod-embed/embeddings',
      '2024-10-21',
      AZURE_KEY,
    ]);
    expect(seen.body).toMatchObject({ model: 'prod-embed', encoding_format: 'base64' });
  });

  it('passes dimensions and token arrays through', async () => {
    const answer = await env.client.embeddings.create({
      model: 'azure-embed',
      input: [[1, 2, 3]],
      dimensions: 3,
      encoding_format: 'float',
    });
    expect(vectors(answer)).toEqual([fakeEmbedding('1 2 3', 3)]);
    expect(answer.usage.prompt_tokens).toBe(3);
  });

  it.each([
    ['azure/fail-429', 429],
    ['azure/fail-404', 404],
    ['azure/fail-500', 502],
  ])('maps %s to HTTP %i', async (model, status) => {
    await expect(env.client.embeddings.create({ model, input: 'x' })).rejects.toMatchObject({ status });
  });
});

describe('Mistral embeddings through the gateway', () => {
  it('answers floats and base64 (re-encoded from Mistral’s floats), with usage', async () => {
    const answer = await embedBothWays({ model: 'mistral-embed', input: ['bonjour le monde', 'salut'] });
    expect(vectors(answer)).toEqual([fakeEmbedding('bonjour le monde'), fakeEmbedding('salut')]);
    expect(answer).toMatchObject({ model: 'mistral-embed', usage: { prompt_tokens: 4, total_tokens: 4 } });
    const seen = env.fake.mistral.requests.at(-1)!;
    expect([seen.path, seen.headers.authorization]).toEqual(['/v1/embeddings', `Bearer ${MISTRAL_KEY}`]);
    // Mistral is always asked for floats, and never sent a field it would refuse.
    expect(seen.body).toEqual({ model: 'mistral-embed', input: ['bonjour le monde', 'salut'] });
  });

  it('sends dimensions as output_dimension', async () => {
    const answer = await env.client.embeddings.create({
      model: 'mistral/codestral-embed',
      input: 'def f(): pass',
      dimensions: 4,
      encoding_format: 'float',
    });
    expect(vectors(answer)).toEqual([fakeEmbedding('def f(): pass', 4)]);
    expect(env.fake.mistral.requests.at(-1)!.body).toMatchObject({
      model: 'codestral-embed',
      output_dimension: 4,
    });
  });

  it('refuses token ids with a 400 naming input, before calling Mistral', async () => {
    const calls = env.fake.mistral.requests.length;
    const err = await env.client.embeddings
      .create({ model: 'mistral-embed', input: [[1, 2, 3]] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ status: 400, param: 'input' });
    expect(env.fake.mistral.requests.length).toBe(calls);
  });

  it.each([
    ['mistral/fail-429', 429],
    ['mistral/fail-404', 404],
    ['mistral/fail-503', 503],
  ])('maps %s to HTTP %i', async (model, status) => {
    await expect(env.client.embeddings.create({ model, input: 'x' })).rejects.toMatchObject({ status });
  });
});

describe('Gemini embeddings through the gateway', () => {
  it('answers floats and base64 from one batchEmbedContents call, usage 0 as Gemini counts none', async () => {
    const answer = await embedBothWays({ model: 'gemini-embed', input: ['what is life', 'why'] });
    expect(vectors(answer)).toEqual([fakeEmbedding('what is life'), fakeEmbedding('why')]);
    expect(answer).toMatchObject({
      model: 'gemini-embedding-001',
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
    const seen = env.fake.gemini.requests.at(-1)!;
    expect([seen.path, seen.headers['x-goog-api-key']]).toEqual([
      '/v1beta/models/gemini-embedding-001:batchEmbedContents',
      GEMINI_KEY,
    ]);
  });

  it('sends dimensions as outputDimensionality, and Gemini’s task_type on every request', async () => {
    const answer = await env.client.embeddings.create({
      model: 'gemini-embed',
      input: ['a query'],
      dimensions: 6,
      encoding_format: 'float',
      // @ts-expect-error Gemini's own field, passed by the gateway
      task_type: 'RETRIEVAL_QUERY',
    });
    expect(vectors(answer)).toEqual([fakeEmbedding('a query', 6)]);
    expect(env.fake.gemini.requests.at(-1)!.body).toEqual({
      requests: [
        {
          model: 'models/gemini-embedding-001',
          content: { parts: [{ text: 'a query' }] },
          outputDimensionality: 6,
          taskType: 'RETRIEVAL_QUERY',
        },
      ],
    });
  });

  it('refuses token ids with a 400 naming input', async () => {
    await expect(
      env.client.embeddings.create({ model: 'gemini-embed', input: [1, 2] }),
    ).rejects.toMatchObject({
      status: 400,
      param: 'input',
    });
  });

  it.each([
    ['gemini/fail-429', 429],
    ['gemini/fail-404', 404],
    ['gemini/fail-500', 502],
  ])('maps %s to HTTP %i', async (model, status) => {
    await expect(env.client.embeddings.create({ model, input: 'x' })).rejects.toMatchObject({ status });
  });
});

describe('Cohere embeddings through the gateway', () => {
  it('answers floats and base64 (re-encoded from Cohere’s floats), with the billed tokens', async () => {
    const answer = await embedBothWays({ model: 'cohere-embed', input: ['hello cohere', 'bye'] });
    expect(vectors(answer)).toEqual([fakeEmbedding('hello cohere'), fakeEmbedding('bye')]);
    expect(answer).toMatchObject({ model: 'embed-v4.0', usage: { prompt_tokens: 3, total_tokens: 3 } });
    const seen = env.fake.cohere.requests.at(-1)!;
    expect([seen.path, seen.headers.authorization]).toEqual(['/v2/embed', `Bearer ${COHERE_KEY}`]);
    expect(seen.body).toEqual({
      model: 'embed-v4.0',
      texts: ['hello cohere', 'bye'],
      input_type: 'search_document',
      embedding_types: ['float'],
    });
  });

  it('sends dimensions as output_dimension, and Cohere’s own input_type', async () => {
    const answer = await env.client.embeddings.create({
      model: 'cohere-embed',
      input: 'a query',
      dimensions: 256,
      encoding_format: 'float',
      // @ts-expect-error Cohere's own field, passed by the gateway
      input_type: 'search_query',
    });
    expect(vectors(answer)).toEqual([fakeEmbedding('a query', 256)]);
    expect(env.fake.cohere.requests.at(-1)!.body).toMatchObject({
      output_dimension: 256,
      input_type: 'search_query',
    });
  });

  it('refuses token ids with a 400 naming input; passes Cohere’s own 400 on', async () => {
    await expect(
      env.client.embeddings.create({ model: 'cohere-embed', input: [[1, 2]] }),
    ).rejects.toMatchObject({
      status: 400,
      param: 'input',
    });
    await expect(
      env.client.embeddings.create({ model: 'cohere-embed', input: 'x', dimensions: 3 }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/output_dimension/) });
  });

  it.each([
    ['cohere/fail-429', 429],
    ['cohere/fail-404', 404],
    ['cohere/fail-500', 502],
  ])('maps %s to HTTP %i', async (model, status) => {
    await expect(env.client.embeddings.create({ model, input: 'x' })).rejects.toMatchObject({ status });
  });
});

describe('Ollama embeddings through the gateway', () => {
  it('answers floats and base64 (re-encoded from Ollama’s floats), with prompt_eval_count as usage', async () => {
    const answer = await embedBothWays({ model: 'ollama-embed', input: ['why is the sky blue', 'green'] });
    expect(vectors(answer)).toEqual([fakeEmbedding('why is the sky blue'), fakeEmbedding('green')]);
    expect(answer).toMatchObject({ model: 'all-minilm', usage: { prompt_tokens: 6, total_tokens: 6 } });
    const seen = env.fake.ollama.requests.at(-1)!;
    expect([seen.path, seen.body]).toEqual([
      '/api/embed',
      { model: 'all-minilm', input: ['why is the sky blue', 'green'] },
    ]);
  });

  it('passes dimensions on as they are', async () => {
    const answer = await env.client.embeddings.create({
      model: 'ollama/qwen3-embedding:0.6b',
      input: 'one',
      dimensions: 3,
      encoding_format: 'float',
    });
    expect(vectors(answer)).toEqual([fakeEmbedding('one', 3)]);
    expect(env.fake.ollama.requests.at(-1)!.body).toEqual({
      model: 'qwen3-embedding:0.6b',
      input: 'one',
      dimensions: 3,
    });
  });

  it('refuses token ids with a 400 naming input', async () => {
    await expect(
      env.client.embeddings.create({ model: 'ollama-embed', input: [7, 8] }),
    ).rejects.toMatchObject({
      status: 400,
      param: 'input',
    });
  });

  it.each([
    ['ollama/fail-404', 404],
    ['ollama/fail-500', 502],
    ['ollama/fail-503', 503],
  ])('maps %s to HTTP %i', async (model, status) => {
    await expect(env.client.embeddings.create({ model, input: 'x' })).rejects.toMatchObject({ status });
  });
});

describe('Bedrock (Titan Text Embeddings v2) embeddings through the gateway', () => {
  it('answers floats and base64 for one text, signed InvokeModel, with Titan’s token count', async () => {
    const answer = await embedBothWays({ model: 'titan-embed', input: 'hello titan world' });
    expect(vectors(answer)).toEqual([fakeEmbedding('hello titan world')]);
    expect(answer).toMatchObject({ model: TITAN, usage: { prompt_tokens: 3, total_tokens: 3 } });
    const seen = env.fake.bedrock.requests.at(-1)!;
    expect([seen.path, seen.operation, seen.modelId]).toEqual([
      `/model/${encodeURIComponent(TITAN)}/invoke`,
      'invoke',
      TITAN,
    ]);
    expect(seen.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAEMBEDDINGSE2E0001\//);
    expect(seen.body).toEqual({ inputText: 'hello titan world', normalize: true });
  });

  it('takes an array of one text, and dimensions', async () => {
    const answer = await env.client.embeddings.create({
      model: 'titan-embed',
      input: ['just one'],
      dimensions: 256,
      encoding_format: 'float',
    });
    expect(vectors(answer)).toEqual([fakeEmbedding('just one', 256)]);
    expect(env.fake.bedrock.requests.at(-1)!.body).toEqual({
      inputText: 'just one',
      normalize: true,
      dimensions: 256,
    });
  });

  it('refuses more than one text, and token ids, with a 400 naming input, before calling Bedrock', async () => {
    const calls = env.fake.bedrock.requests.length;
    const many = await env.client.embeddings
      .create({ model: 'titan-embed', input: ['a', 'b'] })
      .catch((e: unknown) => e);
    expect(many).toBeInstanceOf(OpenAI.BadRequestError);
    expect(many).toMatchObject({
      status: 400,
      param: 'input',
      message: expect.stringMatching(/one text per request/),
    });
    await expect(env.client.embeddings.create({ model: 'titan-embed', input: [1, 2] })).rejects.toMatchObject(
      {
        status: 400,
        param: 'input',
      },
    );
    expect(env.fake.bedrock.requests.length).toBe(calls);
  });

  it('passes Bedrock’s own validation error on as a 400', async () => {
    await expect(
      env.client.embeddings.create({ model: 'titan-embed', input: 'x', dimensions: 100 }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/dimensions/) });
  });

  it.each([
    ['bedrock/fail-429', 429],
    ['bedrock/fail-404', 404],
    ['bedrock/fail-500', 502],
  ])('maps %s to HTTP %i', async (model, status) => {
    await expect(env.client.embeddings.create({ model, input: 'x' })).rejects.toMatchObject({ status });
  });
});
