import { expectMatchesOpenAISpec, startFakeCohere } from '@switchyard/testkit';
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { lastBody, readText, readValidStream, useProviderGateway, weather } from './provider-gateway.js';

const MASTER = 'sk-master-e2e-cohere-0123456789';
const COHERE_KEY = 'cohere-upstream-key-0123';
const IMAGE =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const env = useProviderGateway({
  master: MASTER,
  startFake: () => startFakeCohere({ apiKey: COHERE_KEY }),
  config: (fake) => ({
    providers: { cohere: { type: 'cohere', base_url: fake.url, api_key: COHERE_KEY } },
    models: {
      'command-a': { deployments: [{ provider: 'cohere', model: 'command-a-03-2025' }] },
      'cohere/*': { deployments: [{ provider: 'cohere' }] },
    },
  }),
});

const cohereBody = () => lastBody(env.fake);

describe('Cohere v2 through the gateway', () => {
  it('answers in OpenAI’s shape with Cohere’s token counts as usage', async () => {
    const answer = await env.client.chat.completions.create({
      model: 'command-a',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hello cohere' },
      ],
      top_p: 0.9,
      seed: 11,
    });
    expectMatchesOpenAISpec('CreateChatCompletionResponse', answer);
    expect(answer.model).toBe('command-a-03-2025');
    expect(answer.choices[0]?.message.content).toBe('Echo: hello cohere');
    // Cohere's `tokens` (prompt words + its scaffolding), not its `billed_units`.
    expect(answer.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 });
    expect(cohereBody()).toMatchObject({ p: 0.9, seed: 11 });
    expect(env.fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${COHERE_KEY}`);
  });

  it('streams valid chunks with usage when asked', async () => {
    const stream = await env.client.chat.completions.create({
      model: 'command-a',
      messages: [{ role: 'user', content: 'one two three' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const { text, usage } = await readValidStream(stream);
    expect(text).toBe('Echo: one two three');
    expect(usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 });
  });

  it('round-trips a tool call through the SDK’s stream helper', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'weather in Oslo?' }];
    const first = await env.client.chat.completions
      .stream({ model: 'command-a', messages, tools: [weather], stream: true })
      .finalChatCompletion();
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(first.choices[0]?.message.content).toBe('I will look up the weather in Oslo.');
    expect(call).toMatchObject({
      type: 'function',
      function: { name: 'get_weather', arguments: '{"location":"Oslo"}' },
    });
    messages.push(first.choices[0]!.message, { role: 'tool', tool_call_id: call!.id, content: 'sunny, 21C' });
    const second = await env.client.chat.completions.create({
      model: 'command-a',
      messages,
      tools: [weather],
    });
    expectMatchesOpenAISpec('CreateChatCompletionResponse', second);
    expect(second.choices[0]?.message.content).toBe('Tool said: sunny, 21C');
  });

  it('forces a named tool by offering only it, required', async () => {
    const answer = await env.client.chat.completions.create({
      model: 'command-a',
      messages: [{ role: 'user', content: 'hello' }],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }, weather],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    expect(answer.choices[0]?.message.tool_calls?.[0]?.function.name).toBe('get_weather');
    expect(cohereBody()).toMatchObject({
      tool_choice: 'REQUIRED',
      tools: [{ function: { name: 'get_weather' } }],
    });
  });

  it('passes an image part to a vision model', async () => {
    const answer = await env.client.chat.completions.create({
      model: 'cohere/command-a-vision-07-2025',
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
  });

  it('refuses top_p 1 (Cohere takes at most 0.99) with a 400 naming it', async () => {
    await expect(
      env.client.chat.completions.create({
        model: 'command-a',
        messages: [{ role: 'user', content: 'x' }],
        top_p: 1,
      }),
    ).rejects.toMatchObject({ status: 400, param: 'top_p' });
  });

  it.each([
    ['cohere/fail-404', 404],
    ['cohere/fail-429', 429],
    ['cohere/fail-500', 502],
  ])('maps %s to HTTP %i', async (model, status) => {
    await expect(
      env.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status });
  });

  it('ends a stream that fails mid-answer with an error the SDK raises', async () => {
    const stream = await env.client.chat.completions.create({
      model: 'cohere/stream-error',
      messages: [{ role: 'user', content: 'a b c d' }],
      stream: true,
    });
    const seen = { text: '' };
    await expect(readText(stream, seen)).rejects.toThrow(
      /failed while generating the answer: internal server error/,
    );
    expect(seen.text).toContain('Echo:');
  });
});
