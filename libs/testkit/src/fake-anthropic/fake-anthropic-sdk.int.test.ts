import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from './start-fake-anthropic.js';

// The fake is only trusted once Anthropic's own SDK, used as a client, accepts what it sends.
describe('startFakeAnthropic with the official @anthropic-ai/sdk', () => {
  let fake: FakeAnthropic;
  let client: Anthropic;
  const weatherTool: Anthropic.Tool = {
    name: 'get_weather',
    description: 'Current weather in a city',
    input_schema: { type: 'object', properties: { location: { type: 'string' } } },
  };
  const failing = async (model: string, stream = false): Promise<unknown> =>
    client.messages
      .create({ model, max_tokens: 50, stream, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);

  beforeAll(async () => {
    fake = await startFakeAnthropic({ apiKey: 'sk-ant-test' });
    client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: fake.url, maxRetries: 0 });
  });
  afterAll(() => fake.stop());

  it('answers messages.create with an echo, word-count usage and the request id header', async () => {
    const message = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      system: 'Be brief.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hello there' }] }],
    });
    expect(message).toMatchObject({
      id: expect.stringMatching(/^msg_/),
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: 'Echo: hello there' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 4, output_tokens: 3, cache_read_input_tokens: 0 },
    });
    expect(message._request_id).toMatch(/^req_fake_/);
    const seen = fake.requests.at(-1)!;
    expect(seen).toMatchObject({ method: 'POST', path: '/v1/messages' });
    // SDK 1.x sends the key as a bearer token and its own API version; the fake takes either key header.
    expect(seen.headers.authorization).toBe('Bearer sk-ant-test');
    expect(seen.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('streams the documented event sequence that messages.stream assembles', async () => {
    const stream = client.messages.stream({
      model: 'claude-haiku-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'one two three' }],
    });
    const texts: string[] = [];
    const types: string[] = [];
    stream.on('text', (t) => texts.push(t));
    stream.on('streamEvent', (e) => types.push(e.type));
    const final = await stream.finalMessage();
    expect(texts).toEqual(['Echo:', ' one', ' two', ' three']);
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      ...texts.map(() => 'content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(final.content).toEqual([{ type: 'text', text: 'Echo: one two three' }]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage).toMatchObject({ input_tokens: 3, output_tokens: 4 });
  });

  it('calls tools, in parallel unless disabled, and streams their input as JSON deltas', async () => {
    const ask = (text: string, choice?: Anthropic.ToolChoice) =>
      client.messages.stream({
        model: 'claude-sonnet-4-5',
        max_tokens: 100,
        tools: [weatherTool],
        ...(choice ? { tool_choice: choice } : {}),
        messages: [{ role: 'user', content: text }],
      });
    const both = await ask('What is the weather in Oslo and Paris?').finalMessage();
    expect(both.stop_reason).toBe('tool_use');
    expect(both.content).toEqual([
      { type: 'text', text: "I'll look up the weather in Oslo and Paris." },
      { type: 'tool_use', id: 'toolu_fake_weather_0', name: 'get_weather', input: { location: 'Oslo' } },
      { type: 'tool_use', id: 'toolu_fake_weather_1', name: 'get_weather', input: { location: 'Paris' } },
    ]);
    const one = await ask('weather in Oslo and Paris', {
      type: 'auto',
      disable_parallel_tool_use: true,
    }).finalMessage();
    expect(one.content.filter((b) => b.type === 'tool_use')).toHaveLength(1);
    const none = await ask('weather in Oslo', { type: 'none' }).finalMessage();
    expect(none.stop_reason).toBe('end_turn');
  });

  it('answers a tool result sent back in the next user turn', async () => {
    const first = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'weather in Oslo?' }],
    });
    const call = first.content.find((b) => b.type === 'tool_use')!;
    const second = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'weather in Oslo?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '18C and sunny' }] },
      ],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'Tool said: 18C and sunny' }]);
  });

  it('accepts base64 and URL images and says how each arrived', async () => {
    const message = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what are these?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
    expect(message.content[0]).toEqual({
      type: 'text',
      text: 'Echo: what are these? [image base64 image/png] [image url https://example.com/cat.jpg]',
    });
  });

  it('reports a cache write, then a cache read, for a system prompt with cache_control', async () => {
    const ask = () =>
      client.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 100,
        system: [{ type: 'text', text: 'a long shared preamble here', cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: 'hi you' }],
      });
    expect((await ask()).usage).toMatchObject({
      input_tokens: 2,
      cache_creation_input_tokens: 5,
      cache_read_input_tokens: 0,
    });
    expect((await ask()).usage).toMatchObject({
      input_tokens: 2,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 5,
    });
  });

  it('stops at a stop sequence and at max_tokens, naming the reason', async () => {
    const stopped = await client.messages.create({
      model: 'm',
      max_tokens: 100,
      stop_sequences: ['three'],
      messages: [{ role: 'user', content: 'one two three four' }],
    });
    expect(stopped).toMatchObject({
      stop_reason: 'stop_sequence',
      stop_sequence: 'three',
      content: [{ text: 'Echo: one two ' }],
    });
    const cut = await client.messages.create({
      model: 'm',
      max_tokens: 2,
      messages: [{ role: 'user', content: 'one two three four' }],
    });
    expect(cut).toMatchObject({ stop_reason: 'max_tokens', content: [{ text: 'Echo: one' }] });
  });

  it.each([
    ['fail-400', Anthropic.BadRequestError, 400, 'invalid_request_error'],
    ['prompt-too-long', Anthropic.BadRequestError, 400, 'invalid_request_error'],
    ['fail-401', Anthropic.AuthenticationError, 401, 'authentication_error'],
    ['fail-403', Anthropic.PermissionDeniedError, 403, 'permission_error'],
    ['fail-404', Anthropic.NotFoundError, 404, 'not_found_error'],
    ['fail-429', Anthropic.RateLimitError, 429, 'rate_limit_error'],
    ['fail-500', Anthropic.InternalServerError, 500, 'api_error'],
    ['overloaded', Anthropic.InternalServerError, 529, 'overloaded_error'],
  ])('%s surfaces as the SDK error class for its status and type', async (model, cls, status, type) => {
    const err = await failing(model);
    expect(err).toBeInstanceOf(cls);
    expect(err).toMatchObject({ status, type, requestID: expect.stringMatching(/^req_fake_/) });
  });

  it('sends retry-after with a 429', async () => {
    const err = (await failing('fail-429')) as InstanceType<typeof Anthropic.RateLimitError>;
    expect(err.headers.get('retry-after')).toBe('1');
  });

  it('rejects a wrong key with AuthenticationError', async () => {
    const wrong = new Anthropic({ apiKey: 'sk-ant-wrong', baseURL: fake.url, maxRetries: 0 });
    const err = await wrong.messages
      .create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
  });

  it.each(['stream-overloaded', 'stream-error'])(
    '%s: an error event after the 200 makes the SDK stream throw, after the first text',
    async (model) => {
      const stream = client.messages.stream({
        model,
        max_tokens: 100,
        messages: [{ role: 'user', content: 'a b c d' }],
      });
      const texts: string[] = [];
      stream.on('text', (t) => texts.push(t));
      const err = await stream.finalMessage().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.APIError);
      expect((err as Anthropic.APIError).type).toBe(
        model === 'stream-overloaded' ? 'overloaded_error' : 'api_error',
      );
      expect(texts).toEqual(['Echo:', ' a']);
    },
  );

  it('break-stream makes the SDK stream fail instead of ending quietly', async () => {
    const stream = client.messages.stream({
      model: 'break-stream',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'a b c d' }],
    });
    await expect(stream.finalMessage()).rejects.toThrow();
  });
});
