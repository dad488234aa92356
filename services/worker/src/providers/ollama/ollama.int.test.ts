import { describe, expect, it } from 'vitest';
import { startFakeOllama } from '@switchyard/testkit';
import { chatBody, closedPort, jsonOf, textOf } from '../../test-support/worker-harness.js';
import { lastBody, useWorkerWithFake } from '../../test-support/worker-with-fake.js';

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const env = useWorkerWithFake(
  () => startFakeOllama({ chunkDelayMs: 2 }),
  async (fake) => {
    const dead = await closedPort();
    return {
      providers: {
        ollama: { type: 'ollama', base_url: fake.url },
        lenient: { type: 'ollama', base_url: fake.url, drop_params: true },
        down: { type: 'ollama', base_url: `http://127.0.0.1:${dead}` },
      },
    };
  },
);

const upstream = () => lastBody(env.fake);
type Chunk = { choices: { delta: Record<string, unknown>; finish_reason: string | null }[] };

describe('ollama worker', () => {
  it('answers a whole request in OpenAI’s shape from /api/chat, with its counts as usage', async () => {
    const sent = env.harness.send('ollama', chatBody('hello llama', { max_tokens: 20, temperature: 0.1 }), {
      upstreamModel: 'llama3.2',
    });
    const [frame] = await sent.frames;
    expect([frame!.kind, frame!.status]).toEqual(['response', 200]);
    expect(jsonOf(frame!)).toMatchObject({
      object: 'chat.completion',
      model: 'llama3.2',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Echo: hello llama' }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 },
    });
    expect(env.fake.requests.at(-1)!.path).toBe('/api/chat');
    expect(upstream()).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'hello llama' }],
      stream: false,
      options: { temperature: 0.1, num_predict: 20 },
    });
    expect(await env.harness.eventOf(sent.requestId)).toMatchObject({
      usage: { prompt_tokens: 2, completion_tokens: 3 },
    });
  });

  it('streams newline-delimited JSON as OpenAI chunks, metering usage the caller did not ask for', async () => {
    const sent = env.harness.send('ollama', chatBody('one two three', { stream: true }), {
      upstreamModel: 'llama3.2',
      stream: true,
    });
    const frames = await sent.frames;
    expect(frames.at(-1)!.kind).toBe('done');
    const chunks = frames.slice(0, -1).map((f) => jsonOf(f) as unknown as Chunk);
    expect(chunks.every((c) => c.choices.length === 1)).toBe(true); // no usage chunk: not asked for
    expect(chunks[0]!.choices[0]!.delta['role']).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]!.delta['content'] ?? '').join('')).toBe('Echo: one two three');
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(await env.harness.eventOf(sent.requestId)).toMatchObject({
      stream: true,
      usage: { prompt_tokens: 3, completion_tokens: 4 },
    });
  });

  it('adds the usage chunk when asked, and reports a cut answer as length', async () => {
    const body = chatBody('a b c d e', {
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 2,
    });
    const frames = await env.harness.send('ollama', body, { upstreamModel: 'llama3.2', stream: true }).frames;
    const chunks = frames.slice(0, -1).map(jsonOf);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 2 } });
    expect(chunks.at(-2)).toMatchObject({ choices: [{ finish_reason: 'length' }] });
  });

  it('sends an inline image as base64 and refuses an image URL, naming it', async () => {
    const image = (url: string) =>
      chatBody('', {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is this' },
              { type: 'image_url', image_url: { url } },
            ],
          },
        ],
      });
    const [ok] = await env.harness.send('ollama', image(`data:image/png;base64,${PNG}`), {
      upstreamModel: 'llava',
    }).frames;
    expect(jsonOf(ok!)).toMatchObject({
      choices: [{ message: { content: 'Echo: what is this [1 image]' } }],
    });
    expect(upstream()['messages']).toEqual([{ role: 'user', content: 'what is this', images: [PNG] }]);

    const before = env.fake.requests.length;
    const [refused] = await env.harness.send('ollama', image('https://example.com/cat.png'), {
      upstreamModel: 'llava',
    }).frames;
    expect([refused!.status, refused!.errorCode]).toEqual([400, 'invalid_request']);
    expect(jsonOf(refused!)['error']).toMatchObject({ param: 'messages[0].content[1].image_url' });
    expect(env.fake.requests.length).toBe(before); // refused before any upstream call
    const [dropped] = await env.harness.send('lenient', image('https://example.com/cat.png'), {
      upstreamModel: 'llava',
    }).frames;
    expect(jsonOf(dropped!)).toMatchObject({ choices: [{ message: { content: 'Echo: what is this' } }] });
  });

  it('round-trips a tool call: whole call out, result back under the tool’s name', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const frames = await env.harness.send('ollama', chatBody('weather in Oslo?', { tools, stream: true }), {
      upstreamModel: 'llama3.2',
      stream: true,
    }).frames;
    const chunks = frames.slice(0, -1).map((f) => jsonOf(f) as unknown as Chunk);
    const call = (
      chunks[0]!.choices[0]!.delta['tool_calls'] as { id: string; function: { arguments: string } }[]
    )[0]!;
    expect(call.function.arguments).toBe('{"location":"Oslo"}');
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('tool_calls');

    const messages = [
      { role: 'user', content: 'weather in Oslo?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: call.id,
            type: 'function',
            function: { name: 'get_weather', arguments: call.function.arguments },
          },
        ],
      },
      { role: 'tool', tool_call_id: call.id, content: 'sunny' },
    ];
    const [answer] = await env.harness.send('ollama', chatBody('', { messages, tools }), {
      upstreamModel: 'llama3.2',
    }).frames;
    expect(jsonOf(answer!)).toMatchObject({
      choices: [{ message: { content: 'Tool said: sunny' }, finish_reason: 'stop' }],
    });
    expect((upstream()['messages'] as unknown[]).slice(1)).toEqual([
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ function: { name: 'get_weather', arguments: { location: 'Oslo' } } }],
      },
      { role: 'tool', content: 'sunny', tool_name: 'get_weather' },
    ]);
  });

  it.each([
    ['fail-404', 404, 'model_not_found'],
    ['fail-400', 400, 'invalid_request'],
    ['fail-500', 502, 'upstream_error'],
    ['fail-503', 503, 'unavailable'],
  ])('maps model %s to %i %s', async (model, status, code) => {
    const [frame] = await env.harness.send('ollama', chatBody('hi'), { upstreamModel: model, stream: true })
      .frames;
    expect([frame!.kind, frame!.status, frame!.errorCode]).toEqual(['error', status, code]);
  });

  it('ends a started stream with an error frame when Ollama fails mid-answer, or the connection breaks', async () => {
    for (const model of ['stream-error', 'break-stream']) {
      const frames = await env.harness.send('ollama', chatBody('a b c d'), {
        upstreamModel: model,
        stream: true,
      }).frames;
      expect(frames.length).toBeGreaterThan(1);
      expect(frames.at(-1)).toMatchObject({ kind: 'error', status: 502, errorCode: 'upstream_error' });
    }
  });

  it('answers 503 at once when Ollama is not running', async () => {
    const [frame] = await env.harness.send('down', chatBody('hi'), { upstreamModel: 'llama3.2' }).frames;
    expect([frame!.status, frame!.errorCode]).toEqual([503, 'unavailable']);
    expect(textOf(frame!)).toContain('provider down');
  });
});
