import { describe, expect, it } from 'vitest';
import { startFakeBedrock } from '@switchyard/testkit';
import { chatBody, closedPort, jsonOf, textOf } from '../../test-support/worker-harness.js';
import { useWorkerWithFake } from '../../test-support/worker-with-fake.js';

// The worker, through real NATS, against the fake that checks every SigV4 signature with these keys.
const REGION = 'us-west-2';
const KEYS = {
  accessKeyId: 'AKIAWORKERTEST000001',
  secretAccessKey: 'worker/secret+key',
  sessionToken: 'tok-123',
};
const MODEL = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const env = useWorkerWithFake(
  () => startFakeBedrock({ region: REGION, credentials: KEYS, chunkDelayMs: 2 }),
  async (fake) => {
    const aws = {
      type: 'bedrock',
      region: REGION,
      access_key_id: KEYS.accessKeyId,
      secret_access_key: KEYS.secretAccessKey,
      session_token: KEYS.sessionToken,
      base_url: fake.url,
    };
    return {
      providers: {
        aws,
        lenient: { ...aws, drop_params: true },
        wrongsecret: { ...aws, secret_access_key: 'not-the-secret-0123' },
        dead: { ...aws, base_url: `http://127.0.0.1:${await closedPort()}` },
      },
    };
  },
);

type Chunk = {
  choices: {
    delta: {
      content?: string;
      tool_calls?: { index: number; id?: string; function?: { name?: string; arguments?: string } }[];
    };
    finish_reason: string | null;
  }[];
  usage?: object;
};

describe('bedrock worker, whole answers', () => {
  it('answers an OpenAI completion from a signed Converse call, usage with cache reads in the event', async () => {
    const body = chatBody('hello there', { temperature: 0.2, max_tokens: 50, metadata: { team: 'search' } });
    (body as { messages: object[] }).messages.unshift({ role: 'system', content: 'Be terse.' });
    // The fake writes the system prompt to its cache on the first call and reads it on the second.
    const first = env.harness.send('aws', body, { upstreamModel: MODEL });
    await first.frames;
    expect((await env.harness.eventOf(first.requestId)).usage).toEqual({
      prompt_tokens: 4,
      completion_tokens: 3,
      total_tokens: 7,
      cached_tokens: 0,
      cache_creation_tokens: 2,
    });
    const sent = env.harness.send('aws', body, { upstreamModel: MODEL });
    const [frame] = await sent.frames;
    expect([frame!.kind, frame!.status]).toEqual(['response', 200]);
    const answer = jsonOf(frame!);
    expect(answer).toMatchObject({ object: 'chat.completion', model: MODEL });
    expect(answer['choices']).toMatchObject([
      { message: { role: 'assistant', content: 'Echo: hello there' }, finish_reason: 'stop' },
    ]);
    expect(answer['usage']).toEqual({
      prompt_tokens: 4,
      completion_tokens: 3,
      total_tokens: 7,
      prompt_tokens_details: { cached_tokens: 2, cache_write_tokens: 0 },
    });

    const upstream = env.fake.requests.at(-1)!;
    expect(upstream).toMatchObject({
      path: '/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse',
      modelId: MODEL,
    });
    expect(upstream.body).toEqual({
      messages: [{ role: 'user', content: [{ text: 'hello there' }] }],
      system: [{ text: 'Be terse.' }],
      inferenceConfig: { maxTokens: 50, temperature: 0.2 },
      requestMetadata: { team: 'search' },
    });
    expect(await env.harness.eventOf(sent.requestId)).toMatchObject({
      status: 200,
      provider: 'aws',
      upstream_model: MODEL,
      usage: { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7, cached_tokens: 2 },
    });
  });

  it('refuses a parameter Bedrock cannot honour before calling it, and drops it with drop_params', async () => {
    const before = env.fake.requests.length;
    const [frame] = await env.harness.send('aws', chatBody('hi', { seed: 7 }), { upstreamModel: MODEL })
      .frames;
    expect([frame!.kind, frame!.status, frame!.errorCode]).toEqual(['error', 400, 'invalid_request']);
    expect(jsonOf(frame!)['error']).toMatchObject({ param: 'seed', type: 'invalid_request_error' });
    expect(env.fake.requests.length).toBe(before);

    const [ok] = await env.harness.send('lenient', chatBody('hi', { seed: 7 }), { upstreamModel: MODEL })
      .frames;
    expect(ok!.status).toBe(200);
  });
});

describe('bedrock worker, streams', () => {
  it('streams text chunks as the events arrive, then done; usage reaches the event but not the caller', async () => {
    const sent = env.harness.send('aws', chatBody('one two three'), { upstreamModel: MODEL, stream: true });
    const frames = await sent.frames;
    expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i));
    expect(frames.at(-1)!.kind).toBe('done');
    const chunks = frames.slice(0, -1).map((f) => jsonOf(f) as unknown as Chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Echo: one two three');
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.every((c) => c.choices.length === 1)).toBe(true);
    expect(env.fake.requests.at(-1)!.operation).toBe('converse-stream');
    expect(await env.harness.eventOf(sent.requestId)).toMatchObject({
      stream: true,
      usage: { prompt_tokens: 3, completion_tokens: 4 },
    });
    // 2 ms between upstream events: frames are relayed as they come, not in one burst at the end.
    expect(sent.received.at(-1)!.at - sent.received[0]!.at).toBeGreaterThanOrEqual(8);
  });

  it('sends the usage chunk when the caller asked for it', async () => {
    const body = chatBody('count me', { stream: true, stream_options: { include_usage: true } });
    const frames = await env.harness.send('aws', body, { upstreamModel: MODEL, stream: true }).frames;
    const last = jsonOf(frames.at(-2)!);
    expect(last['choices']).toEqual([]);
    expect(last['usage']).toMatchObject({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
  });

  it('streams parallel tool calls numbered from 0, each with its id, name and arguments', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const frames = await env.harness.send('aws', chatBody('weather in Oslo and Rome?', { tools }), {
      upstreamModel: MODEL,
      stream: true,
    }).frames;
    const calls: { id?: string; name?: string; args: string }[] = [];
    let finish: string | null = null;
    for (const frame of frames.slice(0, -1)) {
      const choice = (jsonOf(frame) as unknown as Chunk).choices[0];
      finish = choice?.finish_reason ?? finish;
      for (const call of choice?.delta.tool_calls ?? []) {
        const seen = (calls[call.index] ??= { args: '' });
        seen.id ??= call.id;
        seen.name ??= call.function?.name;
        seen.args += call.function?.arguments ?? '';
      }
    }
    expect(calls.map((c) => [c.id, c.name, JSON.parse(c.args)])).toEqual([
      ['tooluse_fake_weather_0', 'get_weather', { location: 'Oslo' }],
      ['tooluse_fake_weather_1', 'get_weather', { location: 'Rome' }],
    ]);
    expect(finish).toBe('tool_calls');
  });

  it('ends with a 429 error frame after the first chunks when Bedrock throttles mid-stream', async () => {
    const frames = await env.harness.send('aws', chatBody('a b c d'), {
      upstreamModel: 'stream-throttle',
      stream: true,
    }).frames;
    expect(frames.slice(0, -1).map((f) => f.kind)).toEqual(['chunk', 'chunk', 'chunk']);
    expect(frames.at(-1)).toMatchObject({ kind: 'error', status: 429, errorCode: 'rate_limited' });
  });

  it.each([
    ['break-stream', 'a dropped connection'],
    ['stream-no-metadata', 'a stream that ends without its usage'],
  ])('ends %s (%s) with a 502 error, never as a complete answer', async (model) => {
    const frames = await env.harness.send('aws', chatBody('x y z'), { upstreamModel: model, stream: true })
      .frames;
    expect(frames.length).toBeGreaterThan(1);
    expect(frames.at(-1)).toMatchObject({ kind: 'error', status: 502, errorCode: 'upstream_error' });
  });
});

describe('bedrock worker, failures', () => {
  it.each([
    ['fail-400', 400, 'invalid_request'],
    ['fail-404', 404, 'model_not_found'],
    ['fail-408', 504, 'timeout'],
    ['fail-429', 429, 'rate_limited'],
    ['fail-500', 502, 'upstream_error'],
    ['fail-503', 503, 'unavailable'],
  ])('maps upstream %s to %i %s', async (model, status, code) => {
    const sent = env.harness.send('aws', chatBody('hi'), { upstreamModel: model, stream: true });
    expect((await sent.frames).map((f) => [f.kind, f.status, f.errorCode])).toEqual([
      ['error', status, code],
    ]);
    expect(await env.harness.eventOf(sent.requestId)).toMatchObject({
      status,
      error_code: code,
      provider: 'aws',
    });
  });

  it('marks a prompt over the context window as context_length_exceeded', async () => {
    const [frame] = await env.harness.send('aws', chatBody('hi'), { upstreamModel: 'fail-400-context' })
      .frames;
    expect(jsonOf(frame!)['error']).toMatchObject({
      code: 'context_length_exceeded',
      message: 'Input is too long for requested model.',
    });
  });

  it('says the gateway’s AWS credentials were rejected, without echoing them', async () => {
    const [frame] = await env.harness.send('wrongsecret', chatBody('hi'), { upstreamModel: MODEL }).frames;
    expect([frame!.status, frame!.errorCode]).toEqual([502, 'upstream_error']);
    expect(textOf(frame!)).toMatch(
      /wrongsecret rejected the gateway's AWS credentials \(InvalidSignatureException\)/,
    );
    expect(textOf(frame!)).not.toMatch(/not-the-secret|AKIA/);
  });

  it('answers 503 at once when Bedrock cannot be reached, and 504 when it hangs past the deadline', async () => {
    const [dead] = await env.harness.send('dead', chatBody('hi'), { upstreamModel: MODEL }).frames;
    expect([dead!.status, dead!.errorCode]).toEqual([503, 'unavailable']);
    const sent = env.harness.send('aws', chatBody('hi'), {
      upstreamModel: 'hang',
      deadlineInMs: 300,
      stream: true,
    });
    expect((await sent.frames).map((f) => [f.status, f.errorCode])).toEqual([[504, 'timeout']]);
    expect(sent.received[0]!.at - sent.sentAt).toBeLessThan(1_500);
  });

  it('refuses an image by URL with a 400 naming the parameter, without calling Bedrock', async () => {
    const before = env.fake.requests.length;
    const body = {
      model: 'x',
      messages: [
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] },
      ],
    };
    const [frame] = await env.harness.send('aws', body, { upstreamModel: MODEL }).frames;
    expect(jsonOf(frame!)['error']).toMatchObject({ param: 'messages[0].content[0].image_url.url' });
    expect(env.fake.requests.length).toBe(before);
  });
});
