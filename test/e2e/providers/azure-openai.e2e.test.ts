import { expectMatchesOpenAISpec, startFakeAzureOpenAI } from '@switchyard/testkit';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { readText, readValidStream, useProviderGateway, weather } from './provider-gateway.js';

const MASTER = 'sk-master-e2e-azure-0123456789';
const AZURE_KEY = 'azure-upstream-key-0123';
const IMAGE =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const env = useProviderGateway({
  master: MASTER,
  startFake: () => startFakeAzureOpenAI({ apiKey: AZURE_KEY }),
  config: (fake) => ({
    providers: {
      azure: { type: 'azure-openai', base_url: fake.url, api_key: AZURE_KEY, api_version: '2024-10-21' },
    },
    models: {
      'gpt-4o': { deployments: [{ provider: 'azure', model: 'prod-gpt4o' }] },
      'azure/*': { deployments: [{ provider: 'azure' }] },
    },
  }),
});

describe('Azure OpenAI through the gateway', () => {
  it('answers with usage, calling the deployment with Azure’s key and never the caller’s', async () => {
    const answer = await env.client.chat.completions.create({
      model: 'gpt-4o',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: 'hello azure' },
      ],
    });
    expectMatchesOpenAISpec('CreateChatCompletionResponse', answer);
    expect(answer.choices[0]?.message.content).toBe('Echo: hello azure');
    expect(answer.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 });
    const seen = env.fake.requests.at(-1)!;
    expect(seen.path).toBe('/openai/deployments/prod-gpt4o/chat/completions');
    expect(seen.headers['api-key']).toBe(AZURE_KEY);
    expect(JSON.stringify(seen.headers)).not.toContain(MASTER);
  });

  it('streams valid chunks (Azure’s prompt-filter chunk removed) with usage when asked', async () => {
    const stream = await env.client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'one two three' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const { text, usage } = await readValidStream(stream);
    expect(text).toBe('Echo: one two three');
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
  });

  it('round-trips a tool call: the call streams out, the result goes back and is answered', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'weather in Oslo?' }];
    const stream = env.client.chat.completions.stream({
      model: 'gpt-4o',
      messages,
      tools: [weather],
      stream: true,
    });
    const first = await stream.finalChatCompletion();
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call).toMatchObject({
      type: 'function',
      function: { name: 'get_weather', arguments: '{"location":"Oslo"}' },
    });
    messages.push(first.choices[0]!.message, { role: 'tool', tool_call_id: call!.id, content: 'sunny, 21C' });
    const second = await env.client.chat.completions.create({ model: 'gpt-4o', messages, tools: [weather] });
    expect(second.choices[0]?.message.content).toBe('Tool said: sunny, 21C');
    expect((env.fake.requests.at(-1)!.body as { messages: unknown[] }).messages[1]).toMatchObject({
      role: 'assistant',
      tool_calls: [{ id: call!.id, function: { name: 'get_weather' } }],
    });
  });

  it('passes an image part through to the deployment', async () => {
    const answer = await env.client.chat.completions.create({
      model: 'gpt-4o',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this' },
            { type: 'image_url', image_url: { url: IMAGE, detail: 'low' } },
          ],
        },
      ],
    });
    expect(answer.choices[0]?.message.content).toBe('Echo: what is this');
    expect(
      (env.fake.requests.at(-1)!.body as { messages: { content: unknown[] }[] }).messages[0]!.content[1],
    ).toEqual({
      type: 'image_url',
      image_url: { url: IMAGE, detail: 'low' },
    });
  });

  it('answers a prompt blocked by the content filter with 400 content_filter', async () => {
    const err = await env.client.chat.completions
      .create({ model: 'azure/content-filter', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err).toMatchObject({ status: 400, code: 'content_filter', param: 'messages' });
  });

  it('keeps a content_filter finish reason of a cut answer', async () => {
    const answer = await env.client.chat.completions.create({
      model: 'azure/filtered-answer',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(answer.choices[0]?.finish_reason).toBe('content_filter');
  });

  it.each([
    ['azure/fail-429', 429],
    ['azure/fail-404', 404],
    ['azure/fail-500', 502],
  ])('maps %s to HTTP %i', async (model, status) => {
    await expect(
      env.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status });
  });

  it('ends a stream that fails upstream mid-answer with an error the SDK raises', async () => {
    const stream = await env.client.chat.completions.create({
      model: 'azure/stream-error',
      messages: [{ role: 'user', content: 'a b c d' }],
      stream: true,
    });
    const seen = { text: '' };
    await expect(readText(stream, seen)).rejects.toThrow(/failed while streaming/);
    expect(seen.text).toContain('Echo:');
  });
});
