import { Subjects, type RequestCompleted } from '@switchyard/contracts';
import {
  expectMatchesOpenAISpec,
  fakeEmbedding,
  startFakeOpenAI,
  startNats,
  waitUntil,
  type FakeOpenAI,
  type ServiceHandle,
} from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './gateway.js';

const MASTER = 'sk-master-e2e-0123456789';
const APP_KEY = 'sk-app-e2e-0123456789';
const UPSTREAM_KEY = 'upstream-secret-key';

let nats: ServiceHandle;
let fake: FakeOpenAI;
let gw: TestGateway;
let client: OpenAI;
let master: OpenAI;
const events: RequestCompleted[] = [];

beforeAll(async () => {
  nats = await startNats();
  fake = await startFakeOpenAI({ apiKey: UPSTREAM_KEY });
  gw = await startGateway(nats.url, {
    server: { port: 0, request_timeout_ms: 10_000 },
    master_key: MASTER,
    keys: [{ id: 'app', key: APP_KEY, models: ['demo-embed', 'embed-small', 'openai/*'] }],
    providers: {
      demo: { type: 'demo', chunk_delay_ms: 0 },
      // Named `openai`, so the built-in price table applies to the fake's answers.
      openai: { type: 'openai-compatible', base_url: fake.url, api_key: UPSTREAM_KEY },
      // Anthropic has no embeddings API; nothing listens here, and nothing should be called.
      claude: { type: 'anthropic', base_url: 'http://127.0.0.1:9', api_key: 'sk-ant-unused' },
    },
    models: {
      'demo-embed': { deployments: [{ provider: 'demo', model: 'demo-embed-1' }] },
      'embed-small': { deployments: [{ provider: 'openai', model: 'text-embedding-3-small' }] },
      'openai/*': { deployments: [{ provider: 'openai' }] },
      claude: { deployments: [{ provider: 'claude', model: 'claude-haiku-4-5' }] },
    },
  });
  gw.nc.subscribe(Subjects.events.requestCompleted, {
    callback: (err, msg) => {
      if (!err) events.push(msg.json<RequestCompleted>());
    },
  });
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: APP_KEY, maxRetries: 0 });
  master = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: MASTER, maxRetries: 0 });
});

afterAll(async () => {
  await gw?.stop();
  await fake?.stop();
  await nats?.stop();
});

/** The completion event of the request the gateway answered with `x-request-id: id`. */
async function eventOf(id: string | null): Promise<RequestCompleted> {
  await waitUntil(() => events.some((e) => e.request_id === id));
  return events.find((e) => e.request_id === id)!;
}

describe('embeddings through every service, with the openai SDK', () => {
  it('answers floats from the demo provider, valid against OpenAI’s spec', async () => {
    const answer = await client.embeddings.create({
      model: 'demo-embed',
      input: ['the cat sat', 'the dog ran', 'the cat sat'],
      encoding_format: 'float',
    });
    expectMatchesOpenAISpec('CreateEmbeddingResponse', answer);
    expect(answer.model).toBe('demo-embed-1');
    expect(answer.data.map((d) => [d.index, d.embedding.length])).toEqual([
      [0, 8],
      [1, 8],
      [2, 8],
    ]);
    expect(answer.data[2]!.embedding).toEqual(answer.data[0]!.embedding);
    expect(answer.usage).toEqual({ prompt_tokens: 9, total_tokens: 9 });
  });

  it('answers base64 from the demo provider, which the SDK decodes to the same floats', async () => {
    const floats = await client.embeddings.create({
      model: 'demo-embed',
      input: 'hello',
      encoding_format: 'float',
    });
    // No encoding_format: the SDK asks for base64 and decodes it.
    const decoded = await client.embeddings.create({ model: 'demo-embed', input: 'hello' });
    expectMatchesOpenAISpec('CreateEmbeddingResponse', decoded);
    expect(decoded.data[0]!.embedding).toEqual(floats.data[0]!.embedding);

    const raw = await client.embeddings.create({
      model: 'demo-embed',
      input: 'hello',
      encoding_format: 'base64',
    });
    expect(typeof raw.data[0]!.embedding).toBe('string');
  });

  it('reaches the OpenAI upstream with the upstream model and key; floats and base64 come through', async () => {
    const { data: answer, response } = await client.embeddings
      .create({ model: 'embed-small', input: ['hello there', 'again'], encoding_format: 'float' })
      .withResponse();
    expectMatchesOpenAISpec('CreateEmbeddingResponse', answer);
    expect(answer.data[0]!.embedding).toEqual(fakeEmbedding('hello there'));
    const seen = fake.requests.at(-1)!;
    expect(seen.path).toBe('/v1/embeddings');
    expect(seen.body).toMatchObject({ model: 'text-embedding-3-small', encoding_format: 'float' });
    expect(seen.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);

    // 3 prompt tokens at text-embedding-3-small's $0.02 per million.
    expect(await eventOf(response.headers.get('x-request-id'))).toMatchObject({
      op: 'embeddings',
      model: 'embed-small',
      provider: 'openai',
      status: 200,
      usage: { prompt_tokens: 3, total_tokens: 3 },
      cost_usd: 6e-8,
    });

    const decoded = await client.embeddings.create({
      model: 'openai/text-embedding-3-large',
      input: 'hello there',
    });
    expect((fake.requests.at(-1)!.body as { encoding_format: string }).encoding_format).toBe('base64');
    expectMatchesOpenAISpec('CreateEmbeddingResponse', decoded);
    expect(decoded.data[0]!.embedding).toEqual(fakeEmbedding('hello there'));
  });
});

describe('chat completions carry their cost too', () => {
  it('prices an answer of a model in the table, and leaves an unpriced one without cost', async () => {
    const { response } = await client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'price me' }] })
      .withResponse();
    // 2 prompt tokens × $0.15 + 3 completion tokens ("Echo: price me") × $0.60, per million.
    expect(await eventOf(response.headers.get('x-request-id'))).toMatchObject({
      upstream_model: 'gpt-4o-mini',
      usage: { prompt_tokens: 2, completion_tokens: 3 },
      cost_usd: 2.1e-6,
    });

    const demo = await master.chat.completions
      .create({ model: 'demo-embed', messages: [{ role: 'user', content: 'free' }] })
      .withResponse();
    const event = await eventOf(demo.response.headers.get('x-request-id'));
    expect(event.usage).toBeDefined();
    expect(event).not.toHaveProperty('cost_usd');
  });
});

describe('embeddings refusals, in OpenAI’s error shape', () => {
  it('an unknown model → 404', async () => {
    const err = await master.embeddings
      .create({ model: 'no-such-embedder', input: 'x' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err).toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('a provider without embeddings → 400 saying so', async () => {
    const err = await master.embeddings.create({ model: 'claude', input: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).message).toMatch(
      /provider claude does not support embeddings/i,
    );
  });

  it('a model the key may not use → 403', async () => {
    const err = await client.embeddings.create({ model: 'claude', input: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
  });

  it('a bad body → 400 naming the parameter', async () => {
    const res = await fetch(`${gw.url}/v1/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${APP_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'demo-embed', input: [] }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { param: string } }).error.param).toBe('input');
  });

  it('an upstream failure is mapped as for chat', async () => {
    await expect(master.embeddings.create({ model: 'openai/fail-429', input: 'x' })).rejects.toBeInstanceOf(
      OpenAI.RateLimitError,
    );
  });
});
