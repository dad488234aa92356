import { CohereClientV2, CohereError } from 'cohere-ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeCohere, type FakeCohere } from './start-fake-cohere.js';

// The fake is only trusted once Cohere's own SDK (CohereClientV2), used as a client against it,
// reads its answers, events and errors into the documented fields.
describe('startFakeCohere with the official cohere-ai SDK', () => {
  let fake: FakeCohere;
  let client: CohereClientV2;
  const weather = {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { location: { type: 'string' } } },
    },
  };

  beforeAll(async () => {
    fake = await startFakeCohere({ apiKey: 'co-key' });
    client = new CohereClientV2({ token: 'co-key', environment: fake.url });
  });
  afterAll(() => fake.stop());

  it('answers chat with the text, finish reason and both kinds of usage', async () => {
    const answer = await client.chat(
      {
        model: 'command-a-03-2025',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'hello cohere' },
        ],
        maxTokens: 50,
        p: 0.9,
      },
      { maxRetries: 0 },
    );
    expect(answer.finishReason).toBe('COMPLETE');
    expect(answer.message.content).toEqual([{ type: 'text', text: 'Echo: hello cohere' }]);
    expect(answer.usage).toEqual({
      billedUnits: { inputTokens: 4, outputTokens: 3 },
      tokens: { inputTokens: 11, outputTokens: 3 },
    });
    const seen = fake.requests.at(-1)!;
    expect([seen.path, seen.headers.authorization]).toEqual(['/v2/chat', 'Bearer co-key']);
    expect(seen.body).toMatchObject({ max_tokens: 50, p: 0.9 });
  });

  it('streams typed events the SDK reads, ending with message-end', async () => {
    const stream = await client.chatStream(
      { model: 'command-a-03-2025', messages: [{ role: 'user', content: 'one two' }] },
      { maxRetries: 0 },
    );
    const types: string[] = [];
    let text = '';
    let end: unknown;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content-delta') text += event.delta?.message?.content?.text ?? '';
      if (event.type === 'message-end') end = event.delta;
    }
    expect(types).toEqual([
      'message-start',
      'content-start',
      'content-delta',
      'content-delta',
      'content-delta',
      'content-end',
      'message-end',
    ]);
    expect(text).toBe('Echo: one two');
    expect(end).toMatchObject({
      finishReason: 'COMPLETE',
      usage: { tokens: { inputTokens: 9, outputTokens: 3 } },
    });
  });

  it('plans and calls the tool, whole and streamed, and answers the tool result', async () => {
    const whole = await client.chat(
      { model: 'm', messages: [{ role: 'user', content: 'weather in Oslo?' }], tools: [weather] },
      { maxRetries: 0 },
    );
    expect(whole.finishReason).toBe('TOOL_CALL');
    expect(whole.message.toolPlan).toBe('I will look up the weather in Oslo.');
    const call = whole.message.toolCalls![0]!;
    expect(call).toMatchObject({
      type: 'function',
      function: { name: 'get_weather', arguments: '{"location":"Oslo"}' },
    });

    const stream = await client.chatStream(
      { model: 'm', messages: [{ role: 'user', content: 'weather in Oslo?' }], tools: [weather] },
      { maxRetries: 0 },
    );
    let args = '';
    let started: unknown;
    for await (const event of stream) {
      if (event.type === 'tool-call-start') started = event.delta?.message?.toolCalls;
      if (event.type === 'tool-call-delta')
        args += event.delta?.message?.toolCalls?.function?.arguments ?? '';
    }
    expect(started).toMatchObject({
      id: expect.stringMatching(/^get_weather_/),
      function: { name: 'get_weather' },
    });
    expect(args).toBe('{"location":"Oslo"}');

    const next = await client.chat(
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'weather in Oslo?' },
          { role: 'assistant', toolPlan: whole.message.toolPlan!, toolCalls: [call] },
          { role: 'tool', toolCallId: call.id, content: 'sunny' },
        ],
        tools: [weather],
      },
      { maxRetries: 0 },
    );
    expect(next.message.content).toEqual([{ type: 'text', text: 'Tool said: sunny' }]);
  });

  it('reads an image part', async () => {
    const answer = await client.chat(
      {
        model: 'command-a-vision-07-2025',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is this' },
              { type: 'image_url', imageUrl: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            ],
          },
        ],
      },
      { maxRetries: 0 },
    );
    expect(answer.message.content).toEqual([{ type: 'text', text: 'Echo: what is this [1 image]' }]);
  });

  it('raises the SDK’s errors with Cohere’s status and message', async () => {
    const statusOf = (model: string, c = client) =>
      c
        .chat({ model, messages: [{ role: 'user', content: 'x' }] }, { maxRetries: 0 })
        .catch((e: unknown) => e as CohereError);
    const wrongKey = new CohereClientV2({ token: 'nope', environment: fake.url });
    expect(await statusOf('m', wrongKey)).toMatchObject({
      statusCode: 401,
      body: { message: 'invalid api token' },
    });
    const missing = await statusOf('fail-404');
    expect(missing).toBeInstanceOf(CohereError);
    expect(missing).toMatchObject({
      statusCode: 404,
      body: { message: expect.stringMatching(/model 'fail-404' not found/) },
    });
    expect(await statusOf('fail-429')).toMatchObject({ statusCode: 429 });
    expect(await statusOf('fail-500')).toMatchObject({ statusCode: 500 });
  });

  it('ends a stream that fails with a message-end of ERROR', async () => {
    const stream = await client.chatStream(
      { model: 'stream-error', messages: [{ role: 'user', content: 'a b c' }] },
      { maxRetries: 0 },
    );
    let last: unknown;
    for await (const event of stream) last = event;
    expect(last).toMatchObject({
      type: 'message-end',
      delta: { finishReason: 'ERROR', error: 'internal server error' },
    });
  });
});
