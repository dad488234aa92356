import {
  expectMatchesOpenAISpec,
  startFakeOpenAI,
  startNats,
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

beforeAll(async () => {
  nats = await startNats();
  fake = await startFakeOpenAI({ apiKey: UPSTREAM_KEY });
  gw = await startGateway(nats.url, {
    server: { port: 0, request_timeout_ms: 10_000, body_limit_bytes: 64 * 1024 },
    master_key: MASTER,
    keys: [{ id: 'app', key: APP_KEY, team: 'search', models: ['demo', 'echo*'] }],
    providers: {
      demo: { type: 'demo', chunk_delay_ms: 0 },
      upstream: { type: 'openai-compatible', base_url: fake.url, api_key: UPSTREAM_KEY },
    },
    models: {
      demo: { deployments: [{ provider: 'demo', model: 'demo-1' }] },
      'echo-model': { deployments: [{ provider: 'upstream', model: 'gpt-4o-mini' }] },
      'up/*': { deployments: [{ provider: 'upstream' }] },
    },
  });
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: APP_KEY, maxRetries: 0 });
});

afterAll(async () => {
  await gw?.stop();
  await fake?.stop();
  await nats?.stop();
});

describe('chat completions through every service', () => {
  it('answers a plain request from the demo provider, valid against OpenAI’s spec', async () => {
    const answer = await client.chat.completions.create({
      model: 'demo',
      messages: [{ role: 'user', content: 'Hello gateway' }],
    });
    expectMatchesOpenAISpec('CreateChatCompletionResponse', answer);
    expect(answer.choices[0]?.message.content).toContain('You said: Hello gateway');
    expect(answer.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('streams from the demo provider, every chunk valid against OpenAI’s spec', async () => {
    const stream = await client.chat.completions.create({
      model: 'demo',
      messages: [{ role: 'user', content: 'Stream please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      expectMatchesOpenAISpec('CreateChatCompletionStreamResponse', chunk);
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
      chunks++;
    }
    expect(chunks).toBeGreaterThan(3);
    expect(text).toContain('You said: Stream please');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('reaches a real HTTP upstream with the upstream model and key, never the caller’s key', async () => {
    const answer = await client.chat.completions.create({
      model: 'echo-model',
      messages: [{ role: 'user', content: 'ping upstream' }],
    });
    expectMatchesOpenAISpec('CreateChatCompletionResponse', answer);
    expect(answer.choices[0]?.message.content).toBe('Echo: ping upstream');
    const seen = fake.requests.at(-1)!;
    expect((seen.body as { model: string }).model).toBe('gpt-4o-mini');
    expect(seen.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(JSON.stringify(seen.headers)).not.toContain(APP_KEY);
  });

  it('streams from the upstream with usage when asked', async () => {
    const stream = await client.chat.completions.create({
      model: 'echo-model',
      messages: [{ role: 'user', content: 'one two three' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      expectMatchesOpenAISpec('CreateChatCompletionStreamResponse', chunk);
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('Echo: one two three');
    expect(usage?.total_tokens).toBeGreaterThan(0);
  });

  it('routes a prefix alias with the rest of the name as the upstream model', async () => {
    const master = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: MASTER, maxRetries: 0 });
    await master.chat.completions.create({ model: 'up/gpt-4o', messages: [{ role: 'user', content: 'x' }] });
    expect((fake.requests.at(-1)!.body as { model: string }).model).toBe('gpt-4o');
  });

  it('lists the models the key may use', async () => {
    const models = await client.models.list();
    const ids = models.data.map((m) => m.id).sort();
    expect(ids).toEqual(['demo', 'echo-model']);
  });
});

describe('refusals and failures, each in OpenAI’s error shape', () => {
  const post = (body: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${APP_KEY}`, 'content-type': 'application/json', ...headers },
      body,
    });
  const good = JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'still alive?' }] });

  async function expectError(res: Response, status: number, code?: string): Promise<void> {
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { message: string; type: string; code: string | null } };
    expect(typeof body.error.message).toBe('string');
    expect(typeof body.error.type).toBe('string');
    if (code) expect(body.error.code).toBe(code);
    // The gateway still serves the next request.
    expect((await post(good)).status).toBe(200);
  }

  it('malformed JSON → 400', async () => expectError(await post('{"model": "demo", '), 400));
  it('missing messages → 400 naming the parameter', async () => {
    const res = await post(JSON.stringify({ model: 'demo' }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { param: string } }).error.param).toBe('messages');
  });
  it('wrong types → 400', async () =>
    expectError(
      await post(
        JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'x' }], temperature: 'hot' }),
      ),
      400,
    ));
  it('no key → 401', async () => expectError(await post(good, { authorization: '' }), 401));
  it('unknown key → 401, without echoing it', async () => {
    const res = await post(good, { authorization: 'Bearer sk-not-a-real-key-123' });
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain('sk-not-a-real-key-123');
  });
  it('a model the key may not use → 403', async () =>
    expectError(
      await post(JSON.stringify({ model: 'up/gpt-4o', messages: [{ role: 'user', content: 'x' }] })),
      403,
    ));
  it('unknown model → 404 model_not_found', async () =>
    expectError(
      await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }),
      }),
      404,
      'model_not_found',
    ));
  it('a body over the limit → 413', async () =>
    expectError(
      await post(
        JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'x'.repeat(100_000) }] }),
      ),
      413,
    ));
  it('a failing upstream → 502', async () => {
    const master = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: MASTER, maxRetries: 0 });
    await expect(
      master.chat.completions.create({ model: 'up/fail-500', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 502 });
  });
  it('a hanging upstream → 504 within the deadline', async () => {
    const started = Date.now();
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER}`, 'x-switchyard-timeout-ms': '500' },
      body: JSON.stringify({ model: 'up/hang', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await post(good)).status).toBe(200);
  });
  it('a stream broken by the upstream ends with an error the SDK raises', async () => {
    const master = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: MASTER, maxRetries: 0 });
    const stream = await master.chat.completions.create({
      model: 'up/break-stream',
      messages: [{ role: 'user', content: 'a b c d' }],
      stream: true,
    });
    await expect(
      (async () => {
        for await (const _ of stream) void _;
      })(),
    ).rejects.toThrow();
  });
  it('a stage missing from the pipeline → fast 503, and service resumes when it is back', async () => {
    await gw.stopService('cache');
    try {
      const started = Date.now();
      await expectErrorOnly(await post(good), 503);
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      await gw.startService('cache');
    }
    expect((await post(good)).status).toBe(200);
  });

  async function expectErrorOnly(res: Response, status: number): Promise<void> {
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/cache/);
  }
});

describe('telemetry', () => {
  it('counts requests by model and status on /metrics', async () => {
    await client.chat.completions.create({
      model: 'demo',
      messages: [{ role: 'user', content: 'count me' }],
    });
    // Events are consumed off the request path: give telemetry a moment.
    let text = '';
    for (let i = 0; i < 50; i++) {
      text = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
      if (/switchyard_requests_total\{[^}]*model="demo"[^}]*status="200"[^}]*\} [1-9]/.test(text)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(text).toMatch(/switchyard_requests_total\{[^}]*model="demo"[^}]*status="200"[^}]*\} [1-9]/);
    expect(text).toMatch(/switchyard_requests_total\{[^}]*status="401"[^}]*\} [1-9]/);
    expect(text).toMatch(/switchyard_request_duration_seconds_bucket\{[^}]*model="demo"/);
  });
});
