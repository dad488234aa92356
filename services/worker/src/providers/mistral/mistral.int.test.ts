import { describe, expect, it } from 'vitest';
import { startFakeMistral } from '@switchyard/testkit';
import { chatBody, jsonOf, textOf } from '../../test-support/worker-harness.js';
import { lastBody, useWorkerWithFake } from '../../test-support/worker-with-fake.js';

const API_KEY = 'mistral-worker-key-0123456789';
const env = useWorkerWithFake(
  () => startFakeMistral({ apiKey: API_KEY, chunkDelayMs: 2 }),
  (fake) => ({
    providers: {
      mistral: { type: 'mistral', base_url: fake.url, api_key: API_KEY },
      lenient: { type: 'mistral', base_url: fake.url, api_key: API_KEY, drop_params: true },
      wrongkey: { type: 'mistral', base_url: fake.url, api_key: 'mistral-wrong-key-abcdef' },
    },
  }),
);

const upstream = () => lastBody(env.fake);
type Chunk = { choices: { delta: Record<string, unknown>; finish_reason: string | null }[]; usage?: unknown };

describe('mistral worker', () => {
  it('sends a request Mistral accepts (OpenAI-only fields renamed or left out) and answers in OpenAI’s shape', async () => {
    const body = chatBody('bonjour', {
      seed: 9,
      user: 'end-user-1',
      max_completion_tokens: 30,
      messages: [{ role: 'user', content: 'bonjour', name: 'alice' }],
    });
    const sent = env.harness.send('mistral', body, { upstreamModel: 'mistral-small-latest' });
    const [frame] = await sent.frames;
    expect([frame!.kind, frame!.status]).toEqual(['response', 200]);
    expect(jsonOf(frame!)).toMatchObject({
      object: 'chat.completion',
      choices: [
        { message: { role: 'assistant', content: 'Echo: bonjour', refusal: null }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    });
    expect(upstream()).toEqual({
      model: 'mistral-small-latest',
      messages: [{ role: 'user', content: 'bonjour' }],
      random_seed: 9,
      max_tokens: 30,
    });
    expect(await env.harness.eventOf(sent.requestId)).toMatchObject({
      usage: { prompt_tokens: 1, completion_tokens: 2 },
    });
  });

  it('streams without asking stream_options, meters the usage of the last chunk and keeps it from a caller who did not ask', async () => {
    const sent = env.harness.send(
      'mistral',
      chatBody('one two three', { stream: true, stream_options: { include_usage: false } }),
      {
        upstreamModel: 'mistral-small-latest',
        stream: true,
      },
    );
    const frames = await sent.frames;
    expect(frames.at(-1)!.kind).toBe('done');
    const chunks = frames.slice(0, -1).map((f) => jsonOf(f) as unknown as Chunk);
    expect(chunks.map((c) => c.choices[0]?.delta['content'] ?? '').join('')).toBe('Echo: one two three');
    expect(chunks.some((c) => c.usage !== undefined)).toBe(false);
    expect(upstream()).not.toHaveProperty('stream_options');
    expect(await env.harness.eventOf(sent.requestId)).toMatchObject({
      usage: { prompt_tokens: 3, completion_tokens: 4 },
    });
  });

  it('gives the caller who asked a separate usage chunk', async () => {
    const body = chatBody('a b', { stream: true, stream_options: { include_usage: true } });
    const frames = await env.harness.send('mistral', body, { upstreamModel: 'm', stream: true }).frames;
    const chunks = frames.slice(0, -1).map(jsonOf);
    expect(chunks.at(-2)).toMatchObject({ choices: [{ finish_reason: 'stop' }] });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 2, completion_tokens: 3 } });
  });

  it('round-trips a tool call begun elsewhere: OpenAI-style ids are made Mistral’s, required becomes any', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const frames = await env.harness.send(
      'mistral',
      chatBody('what now?', { tools, tool_choice: 'required', stream: true }),
      { upstreamModel: 'm', stream: true },
    ).frames;
    const last = (jsonOf(frames.at(-2)!) as unknown as Chunk).choices[0]!;
    expect(last.finish_reason).toBe('tool_calls');
    expect(last.delta['tool_calls']).toEqual([
      {
        index: 0,
        id: 'D681PevKs',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"location":"Paris"}' },
      },
    ]);
    expect(upstream()['tool_choice']).toBe('any');

    const messages = [
      { role: 'user', content: 'weather in Oslo?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_from_openai_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_from_openai_1', content: 'sunny' },
    ];
    const [answer] = await env.harness.send('mistral', chatBody('', { messages, tools }), {
      upstreamModel: 'm',
    }).frames;
    expect(jsonOf(answer!)).toMatchObject({ choices: [{ message: { content: 'Tool said: sunny' } }] });
  });

  it('refuses what Mistral cannot honour, naming it, unless the provider drops it', async () => {
    const [refused] = await env.harness.send('mistral', chatBody('hi', { logit_bias: { 1: 5 } }), {
      upstreamModel: 'm',
    }).frames;
    expect([refused!.status, refused!.errorCode]).toEqual([400, 'invalid_request']);
    expect(jsonOf(refused!)['error']).toMatchObject({ param: 'logit_bias' });
    const [dropped] = await env.harness.send('lenient', chatBody('hi', { logit_bias: { 1: 5 } }), {
      upstreamModel: 'm',
    }).frames;
    expect(dropped!.status).toBe(200);
  });

  it('passes Mistral’s own 422 for an unknown field through as a 400 naming it', async () => {
    const [frame] = await env.harness.send('mistral', chatBody('hi', { mystery_option: 1 }), {
      upstreamModel: 'm',
    }).frames;
    expect([frame!.status, frame!.errorCode]).toEqual([400, 'invalid_request']);
    expect(jsonOf(frame!)['error']).toMatchObject({
      param: 'mystery_option',
      message: 'mystery_option: Extra inputs are not permitted',
    });
  });

  it.each([
    ['fail-404', 404, 'model_not_found'],
    ['fail-400', 400, 'invalid_request'],
    ['fail-429', 429, 'rate_limited'],
    ['fail-500', 502, 'upstream_error'],
    ['fail-503', 503, 'unavailable'],
  ])('maps model %s to %i %s', async (model, status, code) => {
    const [frame] = await env.harness.send('mistral', chatBody('hi'), { upstreamModel: model, stream: true })
      .frames;
    expect([frame!.kind, frame!.status, frame!.errorCode]).toEqual(['error', status, code]);
  });

  it('ends a stream with an error frame on a mid-stream error, a finish_reason of error, or a broken connection', async () => {
    for (const model of ['stream-error', 'finish-error', 'break-stream']) {
      const frames = await env.harness.send('mistral', chatBody('a b c d'), {
        upstreamModel: model,
        stream: true,
      }).frames;
      expect(frames.length, model).toBeGreaterThan(1);
      expect(frames.at(-1), model).toMatchObject({ kind: 'error', status: 502, errorCode: 'upstream_error' });
    }
  });

  it('blames the gateway’s key on a 401, never echoing it', async () => {
    const [frame] = await env.harness.send('wrongkey', chatBody('hi'), { upstreamModel: 'm' }).frames;
    expect([frame!.status, frame!.errorCode]).toEqual([502, 'upstream_error']);
    expect(textOf(frame!)).not.toContain('mistral-wrong-key');
  });
});
