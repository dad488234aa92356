import { describe, expect, it } from 'vitest';
import type { Frame } from '@switchyard/bus';
import { Headers } from '@switchyard/contracts';
import { startFakeGemini } from '@switchyard/testkit';
import { chatBody, jsonOf, textOf } from '../../test-support/worker-harness.js';
import { useWorkerWithFake } from '../../test-support/worker-with-fake.js';

// The Gemini adapter inside a real worker, over real NATS, against the fake Gemini API.
const API_KEY = 'AIza-worker-test-0123456789';
const env = useWorkerWithFake(
  () => startFakeGemini({ apiKey: API_KEY, chunkDelayMs: 2 }),
  (fake) => ({
    providers: {
      gemini: { type: 'gemini', base_url: fake.url, api_key: API_KEY },
      wrongkey: { type: 'gemini', base_url: fake.url, api_key: 'AIza-wrong-key-abcdefgh' },
    },
  }),
);

const lastUpstream = () => env.fake.requests.at(-1)!;
type Choice = { delta: Record<string, unknown>; finish_reason: string | null };
/** The first choice of every chunk frame. */
const choicesOf = (frames: Frame[]): Choice[] =>
  frames.filter((f) => f.kind === 'chunk').map((f) => (jsonOf(f)['choices'] as Choice[])[0]!);

describe('gemini worker, whole answers', () => {
  it('translates the request, answers an OpenAI completion, and meters Gemini’s usage', async () => {
    const sent = env.harness.send(
      'gemini',
      chatBody('hello there', {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'hello there' },
        ],
        temperature: 0.2,
      }),
      { upstreamModel: 'gemini-2.5-flash' },
    );
    const frames = await sent.frames;
    expect(frames.map((f) => [f.kind, f.status])).toEqual([['response', 200]]);
    expect(jsonOf(frames[0]!)).toMatchObject({
      id: expect.stringMatching(/^chatcmpl-fake-response-/),
      object: 'chat.completion',
      model: 'gemini-2.5-flash',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Echo: hello there' }, finish_reason: 'stop' },
      ],
      usage: {
        prompt_tokens: 4,
        completion_tokens: 7,
        total_tokens: 11,
        completion_tokens_details: { reasoning_tokens: 4 },
      },
    });

    const upstream = lastUpstream();
    expect(upstream.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(upstream.headers['x-goog-api-key']).toBe(API_KEY);
    expect(upstream.body).toEqual({
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      contents: [{ role: 'user', parts: [{ text: 'hello there' }] }],
      generationConfig: { temperature: 0.2 },
    });
    expect(await env.harness.eventOf(sent.requestId)).toMatchObject({
      status: 200,
      provider: 'gemini',
      usage: { prompt_tokens: 4, completion_tokens: 7, total_tokens: 11, cached_tokens: 0 },
    });
  });

  it('answers a blocked prompt as an empty content_filter completion, not an error', async () => {
    const [frame] = await env.harness.send('gemini', chatBody('something bad'), {
      upstreamModel: 'blocked-prompt',
    }).frames;
    expect(frame!.kind).toBe('response');
    expect(jsonOf(frame!)['choices']).toMatchObject([
      { message: { content: '' }, finish_reason: 'content_filter' },
    ]);
  });

  it('refuses a parameter Gemini cannot honour before calling it', async () => {
    const before = env.fake.requests.length;
    const [frame] = await env.harness.send('gemini', chatBody('hi', { logit_bias: { '42': 10 } }), {
      upstreamModel: 'gemini-2.0-flash',
    }).frames;
    expect([frame!.kind, frame!.status, frame!.errorCode]).toEqual(['error', 400, 'invalid_request']);
    expect(jsonOf(frame!)['error']).toMatchObject({ param: 'logit_bias' });
    expect(env.fake.requests.length).toBe(before);
  });
});

describe('gemini worker, streams', () => {
  it('streams role, text deltas and finish as OpenAI chunks, ends with done, and meters usage', async () => {
    const sent = env.harness.send('gemini', chatBody('one two three', { stream: true }), {
      upstreamModel: 'gemini-2.0-flash',
      stream: true,
    });
    const frames = await sent.frames;
    expect(frames.at(-1)!.kind).toBe('done');
    const choices = choicesOf(frames);
    expect(choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    expect(choices.map((c) => c.delta['content'] ?? '').join('')).toBe('Echo: one two three');
    expect(choices.at(-1)!.finish_reason).toBe('stop');
    // The caller did not ask for usage: no usage chunk, but the event still has it.
    expect(frames.every((f) => f.kind !== 'chunk' || !('usage' in jsonOf(f)))).toBe(true);
    expect(lastUpstream().path).toBe('/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse');
    expect(await env.harness.eventOf(sent.requestId)).toMatchObject({
      status: 200,
      stream: true,
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
    });
  });

  it('streams a function call as one whole tool-call delta, finishing with tool_calls', async () => {
    const body = chatBody('What is the weather in Oslo?', {
      stream: true,
      stream_options: { include_usage: true },
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
    });
    const frames = await env.harness.send('gemini', body, { upstreamModel: 'gemini-2.0-flash', stream: true })
      .frames;
    const chunks = frames.filter((f) => f.kind === 'chunk').map(jsonOf);
    const calls = chunks.flatMap((c) =>
      (c['choices'] as { delta: { tool_calls?: unknown[] } }[]).flatMap((ch) => ch.delta.tool_calls ?? []),
    );
    expect(calls).toEqual([
      {
        index: 0,
        id: expect.stringMatching(/^call_/),
        type: 'function',
        function: { name: 'get_weather', arguments: '{"location":"Oslo"}' },
      },
    ]);
    expect(chunks.at(-2)!['choices']).toMatchObject([{ finish_reason: 'tool_calls' }]);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 6 } });
  });

  it('ends with an error frame after the chunks when an error event arrives mid-stream', async () => {
    const sent = env.harness.send('gemini', chatBody('a b c d'), {
      upstreamModel: 'stream-error',
      stream: true,
    });
    const frames = await sent.frames;
    expect(frames.slice(0, -1).map((f) => f.kind)).toEqual(['chunk', 'chunk', 'chunk']);
    const last = frames.at(-1)!;
    expect([last.kind, last.status, last.errorCode]).toEqual(['error', 502, 'upstream_error']);
    expect(textOf(last)).toContain('An internal error has occurred');
  });

  it('ends with an error frame when the connection breaks before the finishing event', async () => {
    const frames = await env.harness.send('gemini', chatBody('a b c d'), {
      upstreamModel: 'break-stream',
      stream: true,
    }).frames;
    expect(frames.length).toBeGreaterThan(1);
    expect(frames.at(-1)).toMatchObject({ kind: 'error', status: 502, errorCode: 'upstream_error' });
  });
});

describe('gemini worker, upstream failures', () => {
  it('maps RESOURCE_EXHAUSTED to 429 with the wait from RetryInfo, in the gateway’s words', async () => {
    const [frame] = await env.harness.send('gemini', chatBody('hi'), { upstreamModel: 'fail-429' }).frames;
    expect([frame!.status, frame!.errorCode, frame!.retryAfterMs]).toEqual([429, 'rate_limited', 2000]);
    expect(frame!.headers?.get(Headers.retryAfterMs)).toBe('2000');
    expect(textOf(frame!)).not.toContain('free_tier');
  });

  it.each([
    ['fail-400', 400, 'invalid_request'],
    ['fail-404', 404, 'model_not_found'],
    ['fail-500', 502, 'upstream_error'],
    ['fail-503', 503, 'unavailable'],
    ['fail-504', 504, 'timeout'],
  ])('maps %s to %i %s', async (model, status, code) => {
    const sent = env.harness.send('gemini', chatBody('hi'), { upstreamModel: model, stream: true });
    const frames = await sent.frames;
    expect(frames.map((f) => [f.kind, f.status, f.errorCode])).toEqual([['error', status, code]]);
    expect(await env.harness.eventOf(sent.requestId)).toMatchObject({
      status,
      error_code: code,
      provider: 'gemini',
    });
  });

  it('marks a too-long prompt context_length_exceeded, keeping Google’s message', async () => {
    const [frame] = await env.harness.send('gemini', chatBody('hi'), { upstreamModel: 'fail-context' })
      .frames;
    expect(jsonOf(frame!)['error']).toMatchObject({
      code: 'context_length_exceeded',
      message: expect.stringContaining('exceeds the maximum number of tokens allowed'),
    });
  });

  it('blames the gateway credentials on a wrong key (Google’s 400) and on a suspended one, never echoing it', async () => {
    const [wrong] = await env.harness.send('wrongkey', chatBody('hi'), { upstreamModel: 'gemini-2.0-flash' })
      .frames;
    expect([wrong!.status, wrong!.errorCode]).toEqual([502, 'upstream_error']);
    expect(textOf(wrong!)).toMatch(/wrongkey rejected the gateway's credentials/);
    const [suspended] = await env.harness.send('gemini', chatBody('hi'), { upstreamModel: 'fail-403' })
      .frames;
    expect(suspended!.status).toBe(502);
    expect(textOf(suspended!)).not.toContain(API_KEY);
  });

  it('answers 504 within the deadline when Gemini hangs', async () => {
    const sent = env.harness.send('gemini', chatBody('hi'), { upstreamModel: 'hang', deadlineInMs: 300 });
    const frames = await sent.frames;
    expect(frames.map((f) => [f.kind, f.status, f.errorCode])).toEqual([['error', 504, 'timeout']]);
    expect(sent.received[0]!.at - sent.sentAt).toBeLessThan(1_500);
  });
});
