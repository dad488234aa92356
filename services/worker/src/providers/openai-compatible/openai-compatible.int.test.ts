import { describe, expect, it } from 'vitest';
import { Headers, Ops } from '@switchyard/contracts';
import { expectMatchesOpenAISpec, fakeEmbedding, startFakeOpenAI } from '@switchyard/testkit';
import { chatBody, closedPort, jsonOf, textOf } from '../../test-support/worker-harness.js';
import { lastBody, useWorkerWithFake } from '../../test-support/worker-with-fake.js';

const API_KEY = 'sk-test-worker-0123456789';
const env = useWorkerWithFake(
  () => startFakeOpenAI({ apiKey: API_KEY, chunkDelayMs: 5 }),
  async (fake) => {
    const deadPort = await closedPort();
    return {
      providers: {
        openai: {
          type: 'openai-compatible',
          base_url: fake.url,
          api_key: API_KEY,
          headers: { 'x-extra': 'from-config' },
        },
        wrongkey: { type: 'openai-compatible', base_url: fake.url, api_key: 'sk-wrong-key-abcdefgh' },
        // Credentials in the URL must never reach the caller.
        dead: { type: 'openai-compatible', base_url: `http://user:s3cret@127.0.0.1:${deadPort}/v1` },
      },
      // A price the built-in table does not have; `slow-*` models stay unpriced.
      pricing: { 'openai/gpt-4o-custom*': { input: 1, output: 2 } },
    };
  },
);

const lastUpstream = () => lastBody(env.fake);

describe('openai-compatible worker, whole answers', () => {
  it('answers with the upstream body bytes, model rewritten upstream, usage in the completion event', async () => {
    const sent = env.harness.send(
      'openai',
      chatBody('hello there', { temperature: 0.2, vendor_option: { keep: true } }),
      {
        upstreamModel: 'gpt-4o-mini',
      },
    );
    const frames = await sent.frames;
    expect(frames.map((f) => [f.kind, f.seq, f.status])).toEqual([['response', 0, 200]]);
    const answer = jsonOf(frames[0]!);
    expect(answer).toMatchObject({ object: 'chat.completion', model: 'gpt-4o-mini' });
    expect(answer['choices']).toMatchObject([
      { message: { role: 'assistant', content: 'Echo: hello there' } },
    ]);
    // Forwarded as the provider sent it (the fake's compact JSON, its own extra fields), not re-serialized.
    expect(textOf(frames[0]!)).toContain('"service_tier":"default"');

    const upstream = env.fake.requests.at(-1)!;
    expect(upstream.path).toBe('/v1/chat/completions');
    expect(upstream.headers['authorization']).toBe(`Bearer ${API_KEY}`);
    expect(upstream.headers['x-extra']).toBe('from-config');
    expect(upstream.body).toMatchObject({
      model: 'gpt-4o-mini',
      temperature: 0.2,
      vendor_option: { keep: true },
    });
    expect(upstream.body).not.toHaveProperty('stream_options');

    const event = await env.harness.eventOf(sent.requestId);
    expect(event).toMatchObject({
      status: 200,
      provider: 'openai',
      upstream_model: 'gpt-4o-mini',
      stream: false,
      usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5, cached_tokens: 0 },
    });
  });
});

describe('openai-compatible worker, cost', () => {
  it("prices the usage at the model's list price, for whole answers and streams", async () => {
    const whole = env.harness.send('openai', chatBody('hello there'), { upstreamModel: 'gpt-4o-mini' });
    await whole.frames;
    // 2 prompt tokens × $0.15 + 3 completion tokens × $0.60, per million.
    expect(await env.harness.eventOf(whole.requestId)).toMatchObject({
      usage: { prompt_tokens: 2, completion_tokens: 3 },
      cost_usd: 2.1e-6,
    });

    const streamed = env.harness.send('openai', chatBody('one two three', { stream: true }), {
      upstreamModel: 'gpt-4o-2024-08-06',
      stream: true,
    });
    await streamed.frames;
    // 3 × $2.50 + 4 × $10, per million: a dated snapshot is priced as its model.
    expect(await env.harness.eventOf(streamed.requestId)).toMatchObject({
      usage: { prompt_tokens: 3, completion_tokens: 4 },
      cost_usd: 47.5e-6,
    });
  });

  it('prices a model from the config, and leaves the cost out for a model without a price', async () => {
    const configured = env.harness.send('openai', chatBody('a b c d'), { upstreamModel: 'gpt-4o-custom-1' });
    await configured.frames;
    // 4 prompt tokens × $1 + 5 completion tokens ("Echo: a b c d") × $2, per million.
    expect((await env.harness.eventOf(configured.requestId)).cost_usd).toBe(14e-6);

    const unknown = env.harness.send('openai', chatBody('hi'), { upstreamModel: 'slow-0' });
    await unknown.frames;
    const event = await env.harness.eventOf(unknown.requestId);
    expect(event.usage).toBeDefined();
    expect(event).not.toHaveProperty('cost_usd');
  });
});

describe('openai-compatible worker, embeddings', () => {
  const embed = (body: object, upstreamModel = 'text-embedding-3-small') =>
    env.harness.send('openai', body, { upstreamModel, op: Ops.embeddings });

  it('posts to /embeddings with the upstream model, passes the answer through, and prices its usage', async () => {
    const sent = embed({ model: 'alias', input: ['hello there', 'again'], dimensions: 4, user: 'u-1' });
    const [frame] = await sent.frames;
    expect([frame!.kind, frame!.status]).toEqual(['response', 200]);
    const answer = jsonOf(frame!) as { data: { embedding: number[] }[] };
    expectMatchesOpenAISpec('CreateEmbeddingResponse', answer);
    expect(answer.data[0]!.embedding).toEqual(fakeEmbedding('hello there', 4));

    const upstream = env.fake.requests.at(-1)!;
    expect(upstream.path).toBe('/v1/embeddings');
    expect(upstream.headers['authorization']).toBe(`Bearer ${API_KEY}`);
    expect(upstream.body).toEqual({
      model: 'text-embedding-3-small',
      input: ['hello there', 'again'],
      dimensions: 4,
      user: 'u-1',
    });
    // 3 tokens × $0.02 per million.
    expect(await env.harness.eventOf(sent.requestId)).toMatchObject({
      op: 'embeddings',
      status: 200,
      usage: { prompt_tokens: 3, completion_tokens: 0, total_tokens: 3 },
      cost_usd: 6e-8,
    });
  });

  it('passes base64 vectors through untouched', async () => {
    const [frame] = await embed({ model: 'alias', input: 'x', encoding_format: 'base64' }).frames;
    expect(textOf(frame!)).toContain('"embedding":"');
  });

  it("maps the upstream's errors as for chat", async () => {
    const [frame] = await embed({ model: 'alias', input: 'x' }, 'fail-429').frames;
    expect(frame).toMatchObject({ kind: 'error', status: 429, errorCode: 'rate_limited' });
    const [missing] = await embed({ model: 'alias', input: 'x' }, 'fail-404').frames;
    expect(missing).toMatchObject({ kind: 'error', status: 404 });
  });
});

describe('openai-compatible worker, streams', () => {
  it('forwards every chunk in order with sequence numbers, then done; drops the usage chunk it asked for itself', async () => {
    const sent = env.harness.send('openai', chatBody('one two three', { stream: true }), {
      upstreamModel: 'gpt-4o',
      stream: true,
    });
    const frames = await sent.frames;
    expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i));
    expect(frames.at(-1)!.kind).toBe('done');
    const chunks = frames.slice(0, -1).map(jsonOf);
    expect(frames.slice(0, -1).every((f) => f.kind === 'chunk')).toBe(true);
    const text = chunks
      .map((c) => (c['choices'] as { delta: { content?: string } }[])[0]?.delta.content ?? '')
      .join('');
    expect(text).toBe('Echo: one two three');
    expect(chunks.every((c) => (c['choices'] as unknown[]).length > 0)).toBe(true); // no usage-only chunk

    // Usage is always requested upstream, so the event has it even though the caller did not ask.
    expect(lastUpstream()).toMatchObject({
      model: 'gpt-4o',
      stream: true,
      stream_options: { include_usage: true },
    });
    const event = await env.harness.eventOf(sent.requestId);
    expect(event).toMatchObject({
      status: 200,
      stream: true,
      usage: { prompt_tokens: 3, completion_tokens: 4 },
    });
  });

  it('keeps the usage chunk when the caller asked for it', async () => {
    const body = chatBody('count me', { stream: true, stream_options: { include_usage: true } });
    const frames = await env.harness.send('openai', body, { upstreamModel: 'gpt-4o', stream: true }).frames;
    const last = jsonOf(frames.at(-2)!);
    expect(last['choices']).toEqual([]);
    expect(last['usage']).toMatchObject({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
  });

  it('sends each chunk as it arrives, not batched at the end', async () => {
    const sent = env.harness.send('openai', chatBody('a b c d e f g h'), {
      upstreamModel: 'slow-0',
      stream: true,
    });
    await sent.frames;
    const times = sent.received.map((r) => r.at);
    // 5 ms between upstream chunks: the frames must be spread out, not all in one burst.
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(20);
  });

  it('ends with an error frame after the chunks when the upstream connection breaks', async () => {
    const frames = await env.harness.send('openai', chatBody('x y z'), {
      upstreamModel: 'break-stream',
      stream: true,
    }).frames;
    expect(frames.slice(0, -1).every((f) => f.kind === 'chunk')).toBe(true);
    expect(frames.length).toBeGreaterThan(1);
    const last = frames.at(-1)!;
    expect([last.kind, last.status, last.errorCode]).toEqual(['error', 502, 'upstream_error']);
    expect(jsonOf(last)['error']).toMatchObject({
      message: 'The upstream stream ended before it was complete',
    });
  });

  it('turns an in-stream error event into an error frame', async () => {
    const sent = env.harness.send('openai', chatBody('x y z'), {
      upstreamModel: 'stream-error',
      stream: true,
    });
    const frames = await sent.frames;
    expect(frames.length).toBeGreaterThan(1);
    const last = frames.at(-1)!;
    expect([last.kind, last.status]).toEqual(['error', 502]);
    expect(textOf(last)).toContain('The server had an error while processing your request');
    expect(await env.harness.eventOf(sent.requestId)).toMatchObject({
      status: 502,
      error_code: 'upstream_error',
    });
  });
});

describe('openai-compatible worker, upstream failures', () => {
  it('maps 429 with retry-after to a 429 frame carrying sy-retry-after-ms', async () => {
    const [frame] = await env.harness.send('openai', chatBody('hi'), { upstreamModel: 'fail-429' }).frames;
    expect([frame!.kind, frame!.status, frame!.errorCode, frame!.retryAfterMs]).toEqual([
      'error',
      429,
      'rate_limited',
      1000,
    ]);
    expect(frame!.headers?.get(Headers.retryAfterMs)).toBe('1000');
    expect(jsonOf(frame!)['error']).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(textOf(frame!)).not.toContain('org-fake');
  });

  it.each([
    ['fail-500', 502, 'upstream_error'],
    ['fail-503', 503, 'unavailable'],
    ['fail-400', 400, 'invalid_request'],
    ['fail-404', 404, 'model_not_found'],
  ])('maps upstream %s to %i %s, naming the provider in the event', async (model, status, code) => {
    const sent = env.harness.send('openai', chatBody('hi'), { upstreamModel: model, stream: true });
    const frames = await sent.frames;
    expect(frames.map((f) => [f.kind, f.status, f.errorCode])).toEqual([['error', status, code]]);
    expect(await env.harness.eventOf(sent.requestId)).toMatchObject({
      status,
      error_code: code,
      provider: 'openai',
    });
  });

  it('keeps the upstream message of a 400', async () => {
    const [frame] = await env.harness.send('openai', chatBody('hi'), { upstreamModel: 'fail-400' }).frames;
    expect(jsonOf(frame!)['error']).toMatchObject({
      message: "Invalid value for 'messages': fake model fail-400 always rejects.",
      type: 'invalid_request_error',
    });
  });

  it('answers 504 within the deadline when the provider hangs', async () => {
    const sent = env.harness.send('openai', chatBody('hi'), { upstreamModel: 'hang', deadlineInMs: 300 });
    const frames = await sent.frames;
    const elapsed = sent.received[0]!.at - sent.sentAt;
    expect(frames.map((f) => [f.kind, f.status, f.errorCode])).toEqual([['error', 504, 'timeout']]);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1_500);
  });

  it('ends a started stream with an error frame when the deadline passes mid-stream', async () => {
    const sent = env.harness.send(
      'openai',
      chatBody(Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ')),
      {
        upstreamModel: 'gpt-4o',
        stream: true,
        deadlineInMs: 150,
      },
    );
    const frames = await sent.frames;
    expect(frames.length).toBeGreaterThan(1);
    expect(frames.at(-1)).toMatchObject({ kind: 'error', status: 504, errorCode: 'timeout' });
  });
});

describe('openai-compatible worker, provider setup failures', () => {
  it('says the provider rejected the gateway credentials, without echoing the key', async () => {
    const sent = env.harness.send('wrongkey', chatBody('hi'), { upstreamModel: 'gpt-4o' });
    const [frame] = await sent.frames;
    expect([frame!.kind, frame!.status, frame!.errorCode]).toEqual(['error', 502, 'upstream_error']);
    expect(textOf(frame!)).toMatch(/wrongkey rejected the gateway's credentials/);
    expect(textOf(frame!)).not.toMatch(/sk-|abcdefgh/);
  });

  it('answers 503 at once when the provider cannot be reached, naming it but not its URL', async () => {
    const sent = env.harness.send('dead', chatBody('hi'), { upstreamModel: 'gpt-4o', stream: true });
    const [frame] = await sent.frames;
    expect([frame!.kind, frame!.status, frame!.errorCode]).toEqual(['error', 503, 'unavailable']);
    expect(textOf(frame!)).toContain('provider dead');
    expect(textOf(frame!)).not.toMatch(/s3cret|127\.0\.0\.1/);
    expect(sent.received[0]!.at - sent.sentAt).toBeLessThan(1_000);
  });
});
