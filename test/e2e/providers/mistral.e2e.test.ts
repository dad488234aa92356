import { expectMatchesOpenAISpec, startFakeMistral } from '@switchyard/testkit';
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { lastBody, readText, readValidStream, useProviderGateway, weather } from './provider-gateway.js';

const MASTER = 'sk-master-e2e-mistral-0123456789';
const MISTRAL_KEY = 'mistral-upstream-key-0123';
const IMAGE =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const env = useProviderGateway({
  master: MASTER,
  startFake: () => startFakeMistral({ apiKey: MISTRAL_KEY }),
  config: (fake) => ({
    providers: { mistral: { type: 'mistral', base_url: fake.url, api_key: MISTRAL_KEY } },
    models: {
      'mistral-small': { deployments: [{ provider: 'mistral', model: 'mistral-small-latest' }] },
      'mistral/*': { deployments: [{ provider: 'mistral' }] },
    },
  }),
});

const mistralBody = () => lastBody(env.fake);

describe('Mistral through the gateway', () => {
  it('answers an OpenAI request (with fields Mistral would refuse) in OpenAI’s shape, with usage', async () => {
    const answer = await env.client.chat.completions.create({
      model: 'mistral-small',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: 'bonjour', name: 'alice' },
      ],
      seed: 3,
      user: 'end-user-7',
    });
    expectMatchesOpenAISpec('CreateChatCompletionResponse', answer);
    expect(answer.choices[0]?.message.content).toBe('Echo: bonjour');
    expect(answer.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
    expect(mistralBody()).toMatchObject({
      random_seed: 3,
      messages: [{ role: 'system' }, { role: 'user', content: 'bonjour' }],
    });
    expect(env.fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${MISTRAL_KEY}`);
  });

  it('streams valid chunks, with OpenAI’s usage chunk when asked', async () => {
    const stream = await env.client.chat.completions.create({
      model: 'mistral-small',
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
      .stream({ model: 'mistral-small', messages, tools: [weather], tool_choice: 'required', stream: true })
      .finalChatCompletion();
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call).toMatchObject({
      id: 'D681PevKs',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"location":"Oslo"}' },
    });
    messages.push(first.choices[0]!.message, { role: 'tool', tool_call_id: call!.id, content: 'sunny, 21C' });
    const second = await env.client.chat.completions.create({
      model: 'mistral-small',
      messages,
      tools: [weather],
    });
    expectMatchesOpenAISpec('CreateChatCompletionResponse', second);
    expect(second.choices[0]?.message.content).toBe('Tool said: sunny, 21C');
  });

  it('passes an image part to a vision model', async () => {
    const answer = await env.client.chat.completions.create({
      model: 'mistral/pixtral-12b-latest',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this' },
            { type: 'image_url', image_url: { url: IMAGE } },
          ],
        },
      ],
    });
    expect(answer.choices[0]?.message.content).toBe('Echo: what is this [1 image]');
    expect((mistralBody()['messages'] as { content: unknown[] }[])[0]!.content[1]).toEqual({
      type: 'image_url',
      image_url: { url: IMAGE },
    });
  });

  it('refuses a parameter Mistral cannot honour with a 400 naming it', async () => {
    await expect(
      env.client.chat.completions.create({
        model: 'mistral-small',
        messages: [{ role: 'user', content: 'x' }],
        logprobs: true,
      }),
    ).rejects.toMatchObject({ status: 400, param: 'logprobs' });
  });

  it.each([
    ['mistral/fail-404', 404],
    ['mistral/fail-429', 429],
    ['mistral/fail-500', 502],
  ])('maps %s to HTTP %i', async (model, status) => {
    await expect(
      env.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status });
  });

  it('ends a stream that fails mid-answer with an error the SDK raises', async () => {
    const stream = await env.client.chat.completions.create({
      model: 'mistral/stream-error',
      messages: [{ role: 'user', content: 'a b c d' }],
      stream: true,
    });
    const seen = { text: '' };
    await expect(readText(stream, seen)).rejects.toThrow(/failed while streaming: Internal server error/);
    expect(seen.text).toContain('Echo:');
  });
});
