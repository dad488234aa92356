import { AzureOpenAI, APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAzureOpenAI, type FakeAzureOpenAI } from './start-fake-azure-openai.js';

// The fake is only trusted once Azure's client in the official SDK accepts what it sends.
describe('startFakeAzureOpenAI with the openai SDK’s AzureOpenAI client', () => {
  let fake: FakeAzureOpenAI;
  let client: AzureOpenAI;
  const weather = {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { location: { type: 'string' } } },
    },
  };

  beforeAll(async () => {
    fake = await startFakeAzureOpenAI({ apiKey: 'azure-key' });
    client = new AzureOpenAI({
      endpoint: fake.url,
      apiKey: 'azure-key',
      apiVersion: '2024-10-21',
      maxRetries: 0,
    });
  });
  afterAll(() => fake.stop());

  it('answers at the deployment URL with the api-version and api-key the SDK sends', async () => {
    const completion = await client.chat.completions.create({
      model: 'my-gpt4o',
      messages: [{ role: 'user', content: 'hello azure' }],
    });
    expect(completion.choices[0]?.message.content).toBe('Echo: hello azure');
    expect(completion.model).toBe('gpt-4o-2024-08-06');
    expect(completion.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
    const seen = fake.requests.at(-1)!;
    expect([seen.path, seen.apiVersion, seen.headers['api-key']]).toEqual([
      '/openai/deployments/my-gpt4o/chat/completions',
      '2024-10-21',
      'azure-key',
    ]);
    expect(seen.headers.authorization).toBeUndefined();
  });

  it('streams, prompt-filter chunk first, then the text, then usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'my-gpt4o',
      messages: [{ role: 'user', content: 'one two' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]).toMatchObject({ id: '', object: '', choices: [] });
    expect(chunks[0]).toHaveProperty('prompt_filter_results');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Echo: one two');
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 3 });
  });

  it('calls the tool, whole and streamed', async () => {
    const request = {
      model: 'dep',
      messages: [{ role: 'user' as const, content: 'weather in Oslo?' }],
      tools: [weather],
    };
    const whole = await client.chat.completions.create(request);
    expect(whole.choices[0]?.finish_reason).toBe('tool_calls');
    expect(whole.choices[0]?.message.tool_calls?.[0]).toMatchObject({
      type: 'function',
      function: { name: 'get_weather', arguments: '{"location":"Oslo"}' },
    });
    const stream = client.chat.completions.stream({ ...request, stream: true });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.message.tool_calls?.[0]?.function.arguments).toBe('{"location":"Oslo"}');
  });

  it('cuts a filtered answer with finish reason content_filter', async () => {
    const completion = await client.chat.completions.create({
      model: 'filtered-answer',
      messages: [{ role: 'user', content: 'something' }],
    });
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'content_filter',
      message: { content: null },
    });
  });

  it('raises the SDK’s errors: content filter 400, 401, missing deployment, 429 with retry-after', async () => {
    const statusOf = (model: string, c: AzureOpenAI = client) =>
      c.chat.completions
        .create({ model, messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
    const filtered = (await statusOf('content-filter')) as APIError;
    expect(filtered).toBeInstanceOf(APIError);
    expect([filtered.status, filtered.code, filtered.param]).toEqual([400, 'content_filter', 'prompt']);
    expect(await statusOf('fail-404')).toMatchObject({ status: 404, code: 'DeploymentNotFound' });
    const limited = (await statusOf('fail-429')) as APIError;
    expect([limited.status, limited.headers?.get('retry-after-ms')]).toEqual([429, '1000']);
    const wrongKey = new AzureOpenAI({
      endpoint: fake.url,
      apiKey: 'nope',
      apiVersion: '2024-10-21',
      maxRetries: 0,
    });
    expect(await statusOf('dep', wrongKey)).toMatchObject({ status: 401, code: '401' });
    const badVersion = new AzureOpenAI({
      endpoint: fake.url,
      apiKey: 'azure-key',
      apiVersion: 'latest',
      maxRetries: 0,
    });
    expect(await statusOf('dep', badVersion)).toMatchObject({
      status: 404,
      message: expect.stringMatching(/Resource not found/),
    });
  });

  it('ends a stream with an error the SDK raises when the deployment fails mid-answer', async () => {
    const stream = await client.chat.completions.create({
      model: 'stream-error',
      messages: [{ role: 'user', content: 'a b c' }],
      stream: true,
    });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    ).rejects.toThrow(/error while processing/);
    expect(seen.join('')).toContain('Echo:');
  });
});
