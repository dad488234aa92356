import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeOpenAI } from './start-fake-openai.js';
import { startFakeOpenAI } from './start-fake-openai.js';

// The fake is only trusted once OpenAI's own SDK, used as a client, accepts what it sends.
describe('startFakeOpenAI with the official openai SDK', () => {
  let fake: FakeOpenAI;
  let client: OpenAI;
  const weatherTool = {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { location: { type: 'string' } } },
    },
  };

  beforeAll(async () => {
    fake = await startFakeOpenAI({ apiKey: 'sk-test' });
    client = new OpenAI({ apiKey: 'sk-test', baseURL: fake.url, maxRetries: 0 });
  });
  afterAll(() => fake.stop());

  it('answers a non-streaming request with an echo and word-count usage', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'hello there' }] },
      ],
    });
    expect(completion.model).toBe('gpt-4o-mini');
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'Echo: hello there' });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 });
    expect(completion._request_id).toMatch(/^req_fake_/);

    const recorded = fake.requests.at(-1);
    expect(recorded).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect(recorded?.headers.authorization).toBe('Bearer sk-test');
    expect(recorded?.body).toMatchObject({ model: 'gpt-4o-mini' });
  });

  it('streams word by word and ends with a usage chunk when include_usage is set', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'one two three' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) deltas.push(choice.delta.content);
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(deltas).toEqual(['Echo:', ' one', ' two', ' three']);
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
  });

  it('calls the tool when tools are offered and the user asks about the weather', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'What is the weather in Oslo?' }],
      tools: [weatherTool],
    });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls?.[0]).toMatchObject({
      type: 'function',
      function: { name: 'get_weather', arguments: '{"location":"Oslo"}' },
    });
  });

  it('streams tool call deltas that the SDK stream helper assembles into one call', async () => {
    const runner = client.chat.completions.stream({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'weather please' }],
      tools: [weatherTool],
    });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.choices[0]?.message.tool_calls?.[0]).toMatchObject({
      id: 'call_fake_weather_0',
      function: { name: 'get_weather', arguments: '{"location":"Paris"}' },
    });
  });

  it('surfaces 429 as RateLimitError with retry-after', async () => {
    const err = await client.chat.completions
      .create({ model: 'fail-429', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'requests' });
    expect((err as OpenAI.APIError).headers?.get('retry-after')).toBe('1');
  });

  it('surfaces 500 as InternalServerError', async () => {
    const err = await client.chat.completions
      .create({ model: 'fail-500', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err).toMatchObject({ status: 500, type: 'server_error' });
  });

  it('rejects a wrong key with AuthenticationError (401 invalid_api_key)', async () => {
    const wrong = new OpenAI({ apiKey: 'sk-wrong-key-123', baseURL: fake.url, maxRetries: 0 });
    const err = await wrong.models.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err).toMatchObject({ status: 401, code: 'invalid_api_key', type: 'invalid_request_error' });
  });

  it('lists models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('gpt-4o');
  });

  it('break-stream makes the iteration throw after two content chunks', async () => {
    const stream = await client.chat.completions.create({
      model: 'break-stream',
      messages: [{ role: 'user', content: 'a b c d e' }],
      stream: true,
    });
    const deltas: string[] = [];
    const iterate = async (): Promise<void> => {
      for await (const chunk of stream) deltas.push(chunk.choices[0]?.delta.content ?? '');
    };
    await expect(iterate()).rejects.toThrow();
    expect(deltas).toEqual(['', 'Echo:', ' a']);
  });

  it('stream-error makes the iteration throw the in-band API error', async () => {
    const stream = await client.chat.completions.create({
      model: 'stream-error',
      messages: [{ role: 'user', content: 'a b c' }],
      stream: true,
    });
    const iterate = async (): Promise<void> => {
      for await (const _chunk of stream) {
        // drain
      }
    };
    await expect(iterate()).rejects.toThrow(/server had an error/);
  });
});
