import { expectMatchesOpenAISpec, startFakeAnthropic } from '@switchyard/testkit';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { lastBody, readText, readValidStream, useProviderGateway } from './provider-gateway.js';

// An OpenAI SDK client, through every service, to Anthropic's Messages API (the fake): the caller
// speaks OpenAI only, Anthropic receives its own format.
const MASTER = 'sk-master-e2e-anthropic-0123456789';
const ANTHROPIC_KEY = 'sk-ant-upstream-0123456789';
const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const env = useProviderGateway({
  master: MASTER,
  startFake: () => startFakeAnthropic({ apiKey: ANTHROPIC_KEY }),
  config: (fake) => ({
    providers: { anthropic: { type: 'anthropic', base_url: fake.url, api_key: ANTHROPIC_KEY } },
    models: {
      claude: { deployments: [{ provider: 'anthropic', model: 'claude-sonnet-4-5' }] },
      'anthropic/*': { deployments: [{ provider: 'anthropic' }] },
    },
  }),
});

const weather: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  },
};
const lastUpstream = () => lastBody(env.fake);

describe('Anthropic through the gateway', () => {
  it('answers an OpenAI completion with usage; Anthropic gets its format and key, never the caller’s', async () => {
    const answer = await env.client.chat.completions.create({
      model: 'claude',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hello claude' },
      ],
      max_tokens: 64,
    });
    expectMatchesOpenAISpec('CreateChatCompletionResponse', answer);
    expect(answer.choices[0]).toMatchObject({
      message: { role: 'assistant', content: 'Echo: hello claude' },
      finish_reason: 'stop',
    });
    expect(answer.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 });
    expect(lastUpstream()).toEqual({
      model: 'claude-sonnet-4-5',
      system: 'Be brief.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hello claude' }] }],
      max_tokens: 64,
    });
    const headers = env.fake.requests.at(-1)!.headers;
    expect(headers['x-api-key']).toBe(ANTHROPIC_KEY);
    expect(JSON.stringify(headers)).not.toContain(MASTER);
  });

  it('streams spec-valid chunks and ends with the usage chunk when asked', async () => {
    const stream = await env.client.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'one two three' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const { text, finish, usage } = await readValidStream(stream);
    expect(text).toBe('Echo: one two three');
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
    expect(lastUpstream()).toMatchObject({ stream: true });
  });

  it('round-trips a tool call: streamed out, the result sent back arrives as Anthropic’s tool_result', async () => {
    const question: OpenAI.ChatCompletionMessageParam = {
      role: 'user',
      content: 'What is the weather in Oslo?',
    };
    const first = await env.client.chat.completions
      .stream({ model: 'claude', messages: [question], tools: [weather] })
      .finalChatCompletion();
    const asked = first.choices[0]!;
    expect(asked.finish_reason).toBe('tool_calls');
    expect(asked.message.content).toBe("I'll look up the weather in Oslo.");
    const call = asked.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call).toMatchObject({
      id: 'toolu_fake_weather_0',
      function: { name: 'get_weather', arguments: '{"location":"Oslo"}' },
    });

    const second = await env.client.chat.completions.create({
      model: 'claude',
      tools: [weather],
      messages: [
        question,
        asked.message as OpenAI.ChatCompletionAssistantMessageParam,
        { role: 'tool', tool_call_id: call.id, content: '18C and sunny' },
      ],
    });
    expectMatchesOpenAISpec('CreateChatCompletionResponse', second);
    expect(second.choices[0]?.message.content).toBe('Tool said: 18C and sunny');
    expect((lastUpstream()['messages'] as unknown[]).slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'text', text: "I'll look up the weather in Oslo." },
          { type: 'tool_use', id: 'toolu_fake_weather_0', name: 'get_weather', input: { location: 'Oslo' } },
        ],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_fake_weather_0', content: '18C and sunny' }],
      },
    ]);
  });

  it('sends image parts as Anthropic image blocks, base64 and URL', async () => {
    const answer = await env.client.chat.completions.create({
      model: 'claude',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image_url', image_url: { url: PNG } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
    expect(answer.choices[0]?.message.content).toBe(
      'Echo: What is in these? [image base64 image/png] [image url https://example.com/cat.jpg]',
    );
  });

  it('reports prompt-cache reads as cached_tokens', async () => {
    // `cache_control` on a content part is the gateway convention for Anthropic's prompt caching.
    const system = [
      { type: 'text', text: 'a long shared preamble to cache', cache_control: { type: 'ephemeral' } },
    ];
    const ask = () =>
      env.client.chat.completions.create({
        model: 'claude',
        messages: [
          { role: 'system', content: system as OpenAI.ChatCompletionContentPartText[] },
          { role: 'user', content: 'hi' },
        ],
      });
    const written = await ask();
    expect(written.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    const read = await ask();
    expect(read.usage).toMatchObject({ prompt_tokens: 7, prompt_tokens_details: { cached_tokens: 6 } });
  });
});

describe('Anthropic failures through the gateway', () => {
  it.each([
    ['anthropic/fail-429', OpenAI.RateLimitError, 429],
    ['anthropic/overloaded', OpenAI.InternalServerError, 503],
    ['anthropic/fail-404', OpenAI.NotFoundError, 404],
    ['anthropic/prompt-too-long', OpenAI.BadRequestError, 400],
  ])('%s → the SDK’s error for HTTP %i', async (model, cls, status) => {
    const err = await env.client.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(cls);
    expect(err).toMatchObject({ status });
  });

  it('refuses a parameter Anthropic cannot honour with a 400 naming it', async () => {
    const err = await env.client.chat.completions
      .create({ model: 'claude', messages: [{ role: 'user', content: 'x' }], n: 2 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ status: 400, param: 'n' });
  });

  it('ends a stream Anthropic fails mid-answer (overloaded) with an error the SDK raises', async () => {
    const stream = await env.client.chat.completions.create({
      model: 'anthropic/stream-overloaded',
      messages: [{ role: 'user', content: 'a b c d' }],
      stream: true,
    });
    const seen = { text: '' };
    await expect(readText(stream, seen)).rejects.toThrow(/overloaded/);
    expect(seen.text).toBe('Echo: a');
  });
});
