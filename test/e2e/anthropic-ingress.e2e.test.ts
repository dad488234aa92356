import Anthropic from '@anthropic-ai/sdk';
import { startFakeOpenAI, startNats, type FakeOpenAI, type ServiceHandle } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './gateway.js';

const MASTER = 'sk-master-anthropic-e2e-0123';
const APP_KEY = 'sk-app-anthropic-e2e-0123';
const UPSTREAM_KEY = 'upstream-secret-key';
// A 1×1 PNG.
const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const WEATHER_TOOL: Anthropic.Tool = {
  name: 'get_weather',
  description: 'The current weather in a city.',
  input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
};

let nats: ServiceHandle;
let fake: FakeOpenAI;
let gw: TestGateway;
let client: Anthropic;

beforeAll(async () => {
  nats = await startNats();
  fake = await startFakeOpenAI({ apiKey: UPSTREAM_KEY });
  gw = await startGateway(nats.url, {
    server: { port: 0, request_timeout_ms: 10_000 },
    master_key: MASTER,
    keys: [{ id: 'app', key: APP_KEY, team: 'tools', models: ['echo*', 'up/*'] }],
    providers: { upstream: { type: 'openai-compatible', base_url: fake.url, api_key: UPSTREAM_KEY } },
    models: {
      'echo-model': { deployments: [{ provider: 'upstream', model: 'gpt-4o-mini' }] },
      'up/*': { deployments: [{ provider: 'upstream' }] },
    },
  });
  // Claude Code and other Anthropic SDK clients are pointed at the gateway by base URL alone.
  client = new Anthropic({ baseURL: gw.url, apiKey: APP_KEY, maxRetries: 0 });
});

afterAll(async () => {
  await gw?.stop();
  await fake?.stop();
  await nats?.stop();
});

type UpstreamBody = { model: string; max_tokens: number; messages: Record<string, unknown>[] };
const upstream = (): UpstreamBody => fake.requests.at(-1)!.body as UpstreamBody;

describe('the Anthropic SDK against any model behind the gateway', () => {
  it('creates a message', async () => {
    const message = await client.messages.create({
      model: 'echo-model',
      max_tokens: 100,
      system: 'You echo.',
      messages: [{ role: 'user', content: 'ping upstream' }],
    });
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'Echo: ping upstream' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
    expect(message.id).toMatch(/^msg_/);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBe(3);
    expect(upstream()).toMatchObject({
      model: 'gpt-4o-mini',
      max_tokens: 100,
      messages: [
        { role: 'system', content: 'You echo.' },
        { role: 'user', content: 'ping upstream' },
      ],
    });
    expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
  });

  it('sends an image block upstream as an image_url part', async () => {
    const message = await client.messages.create({
      model: 'echo-model',
      max_tokens: 100,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PIXEL } },
            { type: 'text', text: 'describe this' },
          ],
        },
      ],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'Echo: describe this' }]);
    expect(upstream().messages[0]).toEqual({
      role: 'user',
      content: [
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PIXEL}` } },
        { type: 'text', text: 'describe this' },
      ],
    });
  });

  it('streams, text delta by delta, to a final message with usage', async () => {
    const stream = client.messages.stream({
      model: 'echo-model',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'one two three' }],
    });
    const deltas: string[] = [];
    stream.on('text', (text) => deltas.push(text));
    const message = await stream.finalMessage();
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Echo: one two three');
    expect(message.content).toEqual([{ type: 'text', text: 'Echo: one two three' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBe(4);
  });

  it('round-trips a tool call: tool_use out, tool_result back as an OpenAI tool message', async () => {
    const question: Anthropic.MessageParam = { role: 'user', content: 'What is the weather in Paris?' };
    const first = await client.messages.create({
      model: 'echo-model',
      max_tokens: 100,
      tools: [WEATHER_TOOL],
      messages: [question],
    });
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((block) => block.type === 'tool_use')!;
    expect(call).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { location: 'Paris' } });

    await client.messages.create({
      model: 'echo-model',
      max_tokens: 100,
      tools: [WEATHER_TOOL],
      messages: [
        question,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '18°C and sunny' }] },
      ],
    });
    const sent = upstream().messages;
    expect(sent.at(-2)).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: call.id,
          type: 'function',
          function: { name: 'get_weather', arguments: '{"location":"Paris"}' },
        },
      ],
    });
    expect(sent.at(-1)).toEqual({ role: 'tool', tool_call_id: call.id, content: '18°C and sunny' });
  });

  it('streams a tool call the SDK assembles into its input', async () => {
    const message = await client.messages
      .stream({
        model: 'echo-model',
        max_tokens: 100,
        tools: [WEATHER_TOOL],
        tool_choice: { type: 'auto', disable_parallel_tool_use: true },
        messages: [{ role: 'user', content: 'Weather in Lyon please' }],
      })
      .finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      expect.objectContaining({ type: 'tool_use', name: 'get_weather', input: { location: 'Lyon' } }),
    ]);
    expect(fake.requests.at(-1)!.body).toMatchObject({ tool_choice: 'auto', parallel_tool_calls: false });
  });

  it('lists models through the SDK, in OpenAI’s list shape (ids, no display_name or created_at)', async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id).sort()).toEqual(['echo-model', 'up/*']);
    expect(page.has_more).toBe(false);
    // Anthropic's ModelInfo would have type 'model', display_name and created_at: the gateway's
    // list is OpenAI's, which the SDK takes without checking, so only the ids are to be relied on.
    expect(page.data[0]).not.toHaveProperty('display_name');
  });
});

describe('failures, as the Anthropic SDK raises them', () => {
  const ask = (model: string, apiKey = MASTER) =>
    new Anthropic({ baseURL: gw.url, apiKey, maxRetries: 0 }).messages.create({
      model,
      max_tokens: 50,
      messages: [{ role: 'user', content: 'x' }],
    });

  it('an unknown model → NotFoundError', async () => {
    await expect(ask('no-such-model')).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });

  it('a bad key → AuthenticationError', async () => {
    const failure = await ask('echo-model', 'sk-not-a-real-key-123').catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(failure).toMatchObject({ status: 401, type: 'authentication_error' });
  });

  it('a failing upstream → InternalServerError with status 502', async () => {
    const failure = await ask('up/fail-500').catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(Anthropic.InternalServerError);
    expect(failure).toMatchObject({ status: 502, type: 'api_error' });
  });

  it.each(['up/break-stream', 'up/stream-error'])(
    '%s: an error mid-stream surfaces from the SDK’s stream',
    async (model) => {
      const stream = client.messages.stream({
        model,
        max_tokens: 50,
        messages: [{ role: 'user', content: 'a b c d e f' }],
      });
      const deltas: string[] = [];
      stream.on('text', (text) => deltas.push(text));
      const failure = await stream.finalMessage().catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(Anthropic.APIError);
      expect(failure).toMatchObject({ type: 'api_error' });
      expect(deltas.join('')).toBe('Echo: a');
    },
  );
});
