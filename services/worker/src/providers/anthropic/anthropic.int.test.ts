import { describe, expect, it } from 'vitest';
import type { Frame } from '@switchyard/bus';
import { Headers } from '@switchyard/contracts';
import { startFakeAnthropic } from '@switchyard/testkit';
import { chatBody, jsonOf, textOf } from '../../test-support/worker-harness.js';
import { useWorkerWithFake } from '../../test-support/worker-with-fake.js';

// The worker through real NATS, calling the fake Messages API: what the router's requester gets.
const API_KEY = 'sk-ant-worker-0123456789';
const env = useWorkerWithFake(
  () => startFakeAnthropic({ apiKey: API_KEY, chunkDelayMs: 2 }),
  (fake) => ({
    providers: {
      claude: { type: 'anthropic', base_url: fake.url, api_key: API_KEY, default_max_tokens: 256 },
      wrongkey: { type: 'anthropic', base_url: fake.url, api_key: 'sk-ant-wrong-abcdefgh' },
    },
  }),
);

type Chunk = {
  choices: { delta: { content?: string; tool_calls?: unknown[] }; finish_reason: string | null }[];
};
const chunksOf = (frames: Frame[]): Chunk[] =>
  frames.filter((f) => f.kind === 'chunk').map((f) => jsonOf(f) as unknown as Chunk);

describe('anthropic worker, whole answers', () => {
  it('translates the request, answers an OpenAI completion, and reports usage with cache tokens', async () => {
    const system = [
      { type: 'text', text: 'shared preamble for caching', cache_control: { type: 'ephemeral' } },
    ];
    const body = {
      model: 'alias',
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: 'hello there' },
      ],
      temperature: 0.5,
    };
    await env.harness.send('claude', body, { upstreamModel: 'claude-haiku-4-5' }).frames; // writes the cache
    const sent = env.harness.send('claude', body, { upstreamModel: 'claude-haiku-4-5' });
    const [frame] = await sent.frames;
    expect([frame!.kind, frame!.status]).toEqual(['response', 200]);
    expect(jsonOf(frame!)).toMatchObject({
      object: 'chat.completion',
      id: expect.stringMatching(/^msg_fake/),
      model: 'claude-haiku-4-5',
      choices: [{ message: { role: 'assistant', content: 'Echo: hello there' }, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: 6,
        completion_tokens: 3,
        total_tokens: 9,
        prompt_tokens_details: { cached_tokens: 4 },
      },
    });

    const upstream = env.fake.requests.at(-1)!;
    expect(upstream.path).toBe('/v1/messages');
    expect(upstream.headers['x-api-key']).toBe(API_KEY);
    expect(upstream.headers['anthropic-version']).toBe('2023-06-01');
    expect(upstream.body).toEqual({
      model: 'claude-haiku-4-5',
      system,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hello there' }] }],
      max_tokens: 256,
      temperature: 0.5,
    });
    expect(await env.harness.eventOf(sent.requestId)).toMatchObject({
      status: 200,
      provider: 'claude',
      usage: {
        prompt_tokens: 6,
        completion_tokens: 3,
        total_tokens: 9,
        cached_tokens: 4,
        cache_creation_tokens: 0,
      },
    });
  });

  it('refuses a parameter Anthropic cannot honour before calling it', async () => {
    const before = env.fake.requests.length;
    const [frame] = await env.harness.send('claude', chatBody('hi', { seed: 42 }), {
      upstreamModel: 'claude-haiku-4-5',
    }).frames;
    expect([frame!.kind, frame!.status, frame!.errorCode]).toEqual(['error', 400, 'invalid_request']);
    expect(jsonOf(frame!)['error']).toMatchObject({ param: 'seed', type: 'invalid_request_error' });
    expect(env.fake.requests.length).toBe(before);
  });
});

describe('anthropic worker, streams', () => {
  it('streams role, content and finish chunks in order, then done; usage reaches the event only', async () => {
    const sent = env.harness.send('claude', chatBody('one two three', { stream: true }), {
      upstreamModel: 'claude-haiku-4-5',
      stream: true,
    });
    const frames = await sent.frames;
    expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i));
    expect(frames.at(-1)!.kind).toBe('done');
    const chunks = chunksOf(frames.slice(0, -1));
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Echo: one two three');
    expect(chunks.at(-1)!.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.every((c) => c.choices.length === 1)).toBe(true);
    expect(env.fake.requests.at(-1)!.body).toMatchObject({ stream: true });
    expect(env.fake.requests.at(-1)!.body).not.toHaveProperty('stream_options');
    expect(await env.harness.eventOf(sent.requestId)).toMatchObject({
      stream: true,
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
    });
  });

  it('ends with the usage chunk when the caller asked for it', async () => {
    const body = chatBody('count me', { stream: true, stream_options: { include_usage: true } });
    const frames = await env.harness.send('claude', body, { upstreamModel: 'claude-haiku-4-5', stream: true })
      .frames;
    const last = jsonOf(frames.at(-2)!);
    expect(last['choices']).toEqual([]);
    expect(last['usage']).toMatchObject({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
  });

  it('streams parallel tool calls with stable indexes and their arguments as deltas', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const sent = env.harness.send('claude', chatBody('weather in Oslo and Paris?', { tools, stream: true }), {
      upstreamModel: 'claude-haiku-4-5',
      stream: true,
    });
    const calls = new Map<number, { id?: string; name?: string; args: string }>();
    for (const chunk of chunksOf(await sent.frames)) {
      for (const d of (chunk.choices[0]?.delta.tool_calls ?? []) as {
        index: number;
        id?: string;
        function: { name?: string; arguments?: string };
      }[]) {
        const call = calls.get(d.index) ?? { args: '' };
        calls.set(d.index, {
          id: d.id ?? call.id,
          name: d.function.name ?? call.name,
          args: call.args + (d.function.arguments ?? ''),
        });
      }
    }
    expect([...calls.entries()]).toEqual([
      [0, { id: 'toolu_fake_weather_0', name: 'get_weather', args: '{"location":"Oslo"}' }],
      [1, { id: 'toolu_fake_weather_1', name: 'get_weather', args: '{"location":"Paris"}' }],
    ]);
  });

  it('ends with a 503 error frame after the chunks when Anthropic is overloaded mid-stream', async () => {
    const sent = env.harness.send('claude', chatBody('a b c d'), {
      upstreamModel: 'stream-overloaded',
      stream: true,
    });
    const frames = await sent.frames;
    expect(frames.slice(0, -1).map((f) => f.kind)).toEqual(['chunk', 'chunk', 'chunk']);
    expect(frames.at(-1)).toMatchObject({ kind: 'error', status: 503, errorCode: 'unavailable' });
    expect(textOf(frames.at(-1)!)).toContain('Provider claude is overloaded: Overloaded');
    expect(await env.harness.eventOf(sent.requestId)).toMatchObject({
      status: 503,
      error_code: 'unavailable',
    });
  });

  it('ends with a 502 error frame when the connection breaks mid-stream', async () => {
    const frames = await env.harness.send('claude', chatBody('a b c d'), {
      upstreamModel: 'break-stream',
      stream: true,
    }).frames;
    expect(frames.length).toBeGreaterThan(1);
    expect(frames.at(-1)).toMatchObject({ kind: 'error', status: 502, errorCode: 'upstream_error' });
  });
});

describe('anthropic worker, upstream failures', () => {
  it('maps 429 with retry-after to a 429 frame with sy-retry-after-ms, without the organisation', async () => {
    const [frame] = await env.harness.send('claude', chatBody('hi'), { upstreamModel: 'fail-429' }).frames;
    expect([frame!.kind, frame!.status, frame!.errorCode, frame!.retryAfterMs]).toEqual([
      'error',
      429,
      'rate_limited',
      1000,
    ]);
    expect(frame!.headers?.get(Headers.retryAfterMs)).toBe('1000');
    expect(textOf(frame!)).not.toContain('org-fake');
  });

  it.each([
    ['overloaded', 503, 'unavailable'],
    ['fail-500', 502, 'upstream_error'],
    ['fail-404', 404, 'model_not_found'],
    ['fail-413', 413, 'payload_too_large'],
  ])('maps upstream %s to %i %s', async (model, status, code) => {
    const sent = env.harness.send('claude', chatBody('hi'), { upstreamModel: model, stream: true });
    expect((await sent.frames).map((f) => [f.kind, f.status, f.errorCode])).toEqual([
      ['error', status, code],
    ]);
    expect(await env.harness.eventOf(sent.requestId)).toMatchObject({
      status,
      error_code: code,
      provider: 'claude',
    });
  });

  it('says a prompt is too long as OpenAI does (context_length_exceeded)', async () => {
    const [frame] = await env.harness.send('claude', chatBody('hi'), { upstreamModel: 'prompt-too-long' })
      .frames;
    expect(frame!.status).toBe(400);
    expect(jsonOf(frame!)['error']).toMatchObject({
      code: 'context_length_exceeded',
      message: 'prompt is too long: 208310 tokens > 200000 maximum',
    });
  });

  it('blames the gateway credentials on a wrong key, without echoing it', async () => {
    const [frame] = await env.harness.send('wrongkey', chatBody('hi'), { upstreamModel: 'claude-haiku-4-5' })
      .frames;
    expect([frame!.kind, frame!.status, frame!.errorCode]).toEqual(['error', 502, 'upstream_error']);
    expect(textOf(frame!)).toMatch(/wrongkey rejected the gateway's credentials/);
    expect(textOf(frame!)).not.toMatch(/sk-ant|abcdefgh/);
  });
});
