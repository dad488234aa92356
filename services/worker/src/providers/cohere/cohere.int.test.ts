import { describe, expect, it } from 'vitest';
import { startFakeCohere } from '@switchyard/testkit';
import { chatBody, jsonOf, textOf } from '../../test-support/worker-harness.js';
import { lastBody, useWorkerWithFake } from '../../test-support/worker-with-fake.js';

const API_KEY = 'cohere-worker-key-0123456789';
const env = useWorkerWithFake(
  () => startFakeCohere({ apiKey: API_KEY, chunkDelayMs: 2 }),
  (fake) => ({
    providers: {
      cohere: { type: 'cohere', base_url: fake.url, api_key: API_KEY },
      lenient: { type: 'cohere', base_url: fake.url, api_key: API_KEY, drop_params: true },
      wrongkey: { type: 'cohere', base_url: fake.url, api_key: 'cohere-wrong-key-abcdef' },
    },
  }),
);

const upstream = () => lastBody(env.fake);
type Chunk = { choices: { delta: Record<string, unknown>; finish_reason: string | null }[]; usage?: unknown };

describe('cohere worker', () => {
  it('translates a request to /v2/chat and the answer back, usage from Cohere’s token counts', async () => {
    const sent = env.harness.send(
      'cohere',
      chatBody('hello cohere', { top_p: 0.5, max_tokens: 40, stop: 'END' }),
      {
        upstreamModel: 'command-a-03-2025',
      },
    );
    const [frame] = await sent.frames;
    expect([frame!.kind, frame!.status]).toEqual(['response', 200]);
    expect(jsonOf(frame!)).toMatchObject({
      object: 'chat.completion',
      model: 'command-a-03-2025',
      choices: [{ message: { role: 'assistant', content: 'Echo: hello cohere' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
    });
    expect(env.fake.requests.at(-1)!.path).toBe('/v2/chat');
    expect(upstream()).toEqual({
      model: 'command-a-03-2025',
      messages: [{ role: 'user', content: 'hello cohere' }],
      p: 0.5,
      max_tokens: 40,
      stop_sequences: ['END'],
    });
    expect(await env.harness.eventOf(sent.requestId)).toMatchObject({
      usage: { prompt_tokens: 9, completion_tokens: 3 },
    });
  });

  it('streams typed events as chunks and meters usage the caller did not ask for', async () => {
    const sent = env.harness.send('cohere', chatBody('one two three', { stream: true }), {
      upstreamModel: 'command-a-03-2025',
      stream: true,
    });
    const frames = await sent.frames;
    expect(frames.at(-1)!.kind).toBe('done');
    const chunks = frames.slice(0, -1).map((f) => jsonOf(f) as unknown as Chunk);
    expect(chunks.every((c) => c.choices.length === 1)).toBe(true);
    expect(chunks.map((c) => c.choices[0]!.delta['content'] ?? '').join('')).toBe('Echo: one two three');
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(upstream()['stream']).toBe(true);
    expect(await env.harness.eventOf(sent.requestId)).toMatchObject({
      usage: { prompt_tokens: 10, completion_tokens: 4 },
    });
  });

  it('gives a caller who asked the usage chunk, and reports a cut answer as length', async () => {
    const body = chatBody('a b c d e', {
      stream: true,
      stream_options: { include_usage: true },
      max_completion_tokens: 2,
    });
    const frames = await env.harness.send('cohere', body, { upstreamModel: 'm', stream: true }).frames;
    const chunks = frames.slice(0, -1).map(jsonOf);
    expect(chunks.at(-2)).toMatchObject({ choices: [{ finish_reason: 'length' }] });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 2 } });
  });

  it('round-trips a streamed tool call: plan as content, arguments in pieces, the result answered', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const frames = await env.harness.send('cohere', chatBody('weather in Oslo?', { tools, stream: true }), {
      upstreamModel: 'm',
      stream: true,
    }).frames;
    const deltas = frames.slice(0, -1).map((f) => (jsonOf(f) as unknown as Chunk).choices[0]!);
    expect(deltas.map((d) => d.delta['content'] ?? '').join('')).toBe('I will look up the weather in Oslo.');
    const calls = deltas.flatMap(
      (d) =>
        (d.delta['tool_calls'] as { id?: string; function: { name?: string; arguments: string } }[]) ?? [],
    );
    const id = calls[0]!.id!;
    expect(calls.map((c) => c.function.arguments).join('')).toBe('{"location":"Oslo"}');
    expect(deltas.at(-1)!.finish_reason).toBe('tool_calls');

    const messages = [
      { role: 'user', content: 'weather in Oslo?' },
      {
        role: 'assistant',
        content: 'I will look up the weather in Oslo.',
        tool_calls: [
          { id, type: 'function', function: { name: 'get_weather', arguments: '{"location":"Oslo"}' } },
        ],
      },
      { role: 'tool', tool_call_id: id, content: 'sunny' },
    ];
    const [answer] = await env.harness.send('cohere', chatBody('', { messages, tools }), {
      upstreamModel: 'm',
    }).frames;
    expect(jsonOf(answer!)).toMatchObject({ choices: [{ message: { content: 'Tool said: sunny' } }] });
    expect((upstream()['messages'] as unknown[])[1]).toEqual({
      role: 'assistant',
      tool_calls: [
        { id, type: 'function', function: { name: 'get_weather', arguments: '{"location":"Oslo"}' } },
      ],
      tool_plan: 'I will look up the weather in Oslo.',
    });
  });

  it('refuses a top_p Cohere cannot take (never clamps it), unless the provider drops it', async () => {
    const [refused] = await env.harness.send('cohere', chatBody('hi', { top_p: 1 }), { upstreamModel: 'm' })
      .frames;
    expect([refused!.status, refused!.errorCode]).toEqual([400, 'invalid_request']);
    expect(jsonOf(refused!)['error']).toMatchObject({ param: 'top_p' });
    const [dropped] = await env.harness.send('lenient', chatBody('hi', { top_p: 1 }), { upstreamModel: 'm' })
      .frames;
    expect(dropped!.status).toBe(200);
    expect(upstream()).not.toHaveProperty('p');
  });

  it.each([
    ['fail-404', 404, 'model_not_found'],
    ['fail-400', 400, 'invalid_request'],
    ['fail-429', 429, 'rate_limited'],
    ['fail-500', 502, 'upstream_error'],
    ['fail-503', 503, 'unavailable'],
  ])('maps model %s to %i %s', async (model, status, code) => {
    const [frame] = await env.harness.send('cohere', chatBody('hi'), { upstreamModel: model, stream: true })
      .frames;
    expect([frame!.kind, frame!.status, frame!.errorCode]).toEqual(['error', status, code]);
  });

  it('ends a stream with an error frame on a message-end of ERROR or a broken connection', async () => {
    for (const model of ['stream-error', 'break-stream']) {
      const frames = await env.harness.send('cohere', chatBody('a b c d'), {
        upstreamModel: model,
        stream: true,
      }).frames;
      expect(frames.length, model).toBeGreaterThan(1);
      expect(frames.at(-1), model).toMatchObject({ kind: 'error', status: 502, errorCode: 'upstream_error' });
    }
  });

  it('fails a whole answer that finished with ERROR, and blames the gateway’s key on 401', async () => {
    const [failed] = await env.harness.send('cohere', chatBody('hi'), { upstreamModel: 'finish-error' })
      .frames;
    expect([failed!.status, failed!.errorCode]).toEqual([502, 'upstream_error']);
    const [denied] = await env.harness.send('wrongkey', chatBody('hi'), { upstreamModel: 'm' }).frames;
    expect([denied!.status, denied!.errorCode]).toEqual([502, 'upstream_error']);
    expect(textOf(denied!)).not.toContain('cohere-wrong-key');
  });
});
