import { expectMatchesOpenAISpec, startFakeOllama } from '@switchyard/testkit';
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { lastBody, readText, readValidStream, useProviderGateway, weather } from './provider-gateway.js';

const MASTER = 'sk-master-e2e-ollama-0123456789';
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const env = useProviderGateway({
  master: MASTER,
  startFake: () => startFakeOllama(),
  config: (fake) => ({
    providers: { local: { type: 'ollama', base_url: fake.url } },
    models: {
      'llama3.2': { deployments: [{ provider: 'local', model: 'llama3.2' }] },
      'ollama/*': { deployments: [{ provider: 'local' }] },
    },
  }),
});

const ollamaBody = () => lastBody(env.fake);

describe('Ollama (native API) through the gateway', () => {
  it('answers in OpenAI’s shape with Ollama’s counts as usage', async () => {
    const answer = await env.client.chat.completions.create({
      model: 'llama3.2',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hello llama' },
      ],
      seed: 42,
      stop: ['\n\n'],
    });
    expectMatchesOpenAISpec('CreateChatCompletionResponse', answer);
    expect(answer.choices[0]?.message.content).toBe('Echo: hello llama');
    expect(answer.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 });
    expect(ollamaBody()).toMatchObject({ stream: false, options: { seed: 42, stop: ['\n\n'] } });
  });

  it('streams valid chunks with usage when asked', async () => {
    const stream = await env.client.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'one two three' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const { text, usage } = await readValidStream(stream);
    expect(text).toBe('Echo: one two three');
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
  });

  it('round-trips a tool call through the SDK’s stream helper', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'weather in Oslo?' }];
    const first = await env.client.chat.completions
      .stream({ model: 'llama3.2', messages, tools: [weather], stream: true })
      .finalChatCompletion();
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call).toMatchObject({
      type: 'function',
      function: { name: 'get_weather', arguments: '{"location":"Oslo"}' },
    });
    messages.push(first.choices[0]!.message, { role: 'tool', tool_call_id: call!.id, content: 'sunny, 21C' });
    const second = await env.client.chat.completions.create({
      model: 'llama3.2',
      messages,
      tools: [weather],
    });
    expectMatchesOpenAISpec('CreateChatCompletionResponse', second);
    expect(second.choices[0]?.message.content).toBe('Tool said: sunny, 21C');
  });

  it('sends an inline image part as base64 images', async () => {
    const answer = await env.client.chat.completions.create({
      model: 'ollama/llava',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          ],
        },
      ],
    });
    expect(answer.choices[0]?.message.content).toBe('Echo: what is this [1 image]');
    expect((ollamaBody()['messages'] as { images: string[] }[])[0]!.images).toEqual([PNG]);
  });

  it('refuses an image URL with a 400 naming the part', async () => {
    await expect(
      env.client.chat.completions.create({
        model: 'llama3.2',
        messages: [
          {
            role: 'user',
            content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }],
          },
        ],
      }),
    ).rejects.toMatchObject({ status: 400, param: 'messages[0].content[0].image_url' });
  });

  it('asks for JSON when the caller sets response_format', async () => {
    const answer = await env.client.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'json please' }],
      response_format: { type: 'json_object' },
    });
    expect(JSON.parse(answer.choices[0]!.message.content!)).toEqual({ echo: 'Echo: json please' });
    expect(ollamaBody()['format']).toBe('json');
  });

  it.each([
    ['ollama/fail-404', 404],
    ['ollama/fail-400', 400],
    ['ollama/fail-500', 502],
  ])('maps %s to HTTP %i', async (model, status) => {
    await expect(
      env.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status });
  });

  it('ends a stream that fails mid-answer with an error the SDK raises', async () => {
    const stream = await env.client.chat.completions.create({
      model: 'ollama/stream-error',
      messages: [{ role: 'user', content: 'a b c d' }],
      stream: true,
    });
    const seen = { text: '' };
    await expect(readText(stream, seen)).rejects.toThrow(/failed while streaming/);
    expect(seen.text).toContain('Echo:');
  });
});
