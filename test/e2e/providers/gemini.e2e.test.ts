import { expectMatchesOpenAISpec, startFakeGemini } from '@switchyard/testkit';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { lastBody, readText, readValidStream, useProviderGateway } from './provider-gateway.js';

// An OpenAI SDK client, the whole gateway, and the fake Gemini API behind it.
const MASTER = 'sk-master-gemini-e2e-0123456789';
const UPSTREAM_KEY = 'AIza-gemini-e2e-upstream-key';
const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather of a city',
    parameters: {
      type: 'object',
      properties: { location: { type: 'string' } },
      required: ['location'],
      additionalProperties: false,
    },
  },
};

const env = useProviderGateway({
  master: MASTER,
  startFake: () => startFakeGemini({ apiKey: UPSTREAM_KEY }),
  config: (fake) => ({
    providers: { google: { type: 'gemini', base_url: fake.url, api_key: UPSTREAM_KEY } },
    models: {
      'gemini-flash': { deployments: [{ provider: 'google', model: 'gemini-2.5-flash' }] },
      'gemini/*': { deployments: [{ provider: 'google' }] },
    },
  }),
});

const upstreamBody = () => lastBody(env.fake);

describe('Gemini through the gateway, with the openai SDK', () => {
  it('answers a plain request, valid against OpenAI’s spec, with Gemini’s usage intact', async () => {
    const answer = await env.client.chat.completions.create({
      model: 'gemini-flash',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello Gemini' },
      ],
      max_completion_tokens: 50,
    });
    expectMatchesOpenAISpec('CreateChatCompletionResponse', answer);
    expect(answer.model).toBe('gemini-2.5-flash');
    expect(answer.choices[0]).toMatchObject({
      message: { content: 'Echo: Hello Gemini' },
      finish_reason: 'stop',
    });
    // 4 prompt words; 3 answer words + 4 thought tokens, counted as completion and as reasoning.
    expect(answer.usage).toMatchObject({
      prompt_tokens: 4,
      completion_tokens: 7,
      total_tokens: 11,
      completion_tokens_details: { reasoning_tokens: 4 },
    });

    const seen = env.fake.requests.at(-1)!;
    expect(seen.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(seen.headers['x-goog-api-key']).toBe(UPSTREAM_KEY);
    expect(JSON.stringify(seen.headers)).not.toContain(MASTER);
    expect(seen.body).toEqual({
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      contents: [{ role: 'user', parts: [{ text: 'Hello Gemini' }] }],
      generationConfig: { maxOutputTokens: 50 },
    });
  });

  it('streams, every chunk valid against OpenAI’s spec, ending with the usage chunk it asked for', async () => {
    const stream = await env.client.chat.completions.create({
      model: 'gemini/gemini-2.0-flash',
      messages: [{ role: 'user', content: 'one two three' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const { text, finish, usage } = await readValidStream(stream);
    expect(text).toBe('Echo: one two three');
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
    expect(env.fake.requests.at(-1)!.path).toBe(
      '/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse',
    );
  });

  it('runs a tool-call round trip: the result reaches Gemini as a functionResponse, signature intact', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'What is the weather in Oslo?' },
    ];
    const first = await env.client.chat.completions.create({
      model: 'gemini/gemini-3-pro-preview',
      messages,
      tools: [weatherTool],
    });
    expectMatchesOpenAISpec('CreateChatCompletionResponse', first);
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.function).toEqual({ name: 'get_weather', arguments: '{"location":"Oslo"}' });

    // Sent back as the SDK returned it; Gemini 3 refuses a history whose call lost its signature.
    messages.push(choice.message, { role: 'tool', tool_call_id: call.id, content: '{"temp_c":-2}' });
    const second = await env.client.chat.completions.create({
      model: 'gemini/gemini-3-pro-preview',
      messages,
      tools: [weatherTool],
    });
    expect(second.choices[0]!.message.content).toBe('Results: get_weather={"temp_c":-2}');
    expect((upstreamBody()['contents'] as unknown[]).slice(1)).toEqual([
      {
        role: 'model',
        parts: [
          {
            functionCall: { name: 'get_weather', args: { location: 'Oslo' } },
            thoughtSignature: expect.any(String),
          },
        ],
      },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp_c: -2 } } }] },
    ]);
  });

  it('streams parallel tool calls that the SDK’s stream helper assembles', async () => {
    const runner = env.client.chat.completions.stream({
      model: 'gemini/gemini-2.0-flash',
      messages: [{ role: 'user', content: 'Weather in Oslo and Paris?' }],
      tools: [weatherTool],
      tool_choice: 'required',
    });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(
      final.choices[0]!.message.tool_calls!.map(
        (c) => (c as OpenAI.ChatCompletionMessageFunctionToolCall).function,
      ),
    ).toEqual([
      { name: 'get_weather', arguments: '{"location":"Oslo"}' },
      { name: 'get_weather', arguments: '{"location":"Paris"}' },
    ]);
    expect(upstreamBody()['toolConfig']).toEqual({ functionCallingConfig: { mode: 'ANY' } });
  });

  it('sends image parts as inline data and by URL', async () => {
    const answer = await env.client.chat.completions.create({
      model: 'gemini/gemini-2.0-flash',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what are these?' },
            { type: 'image_url', image_url: { url: PNG } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.webp', detail: 'low' } },
          ],
        },
      ],
    });
    expect(answer.choices[0]!.message.content).toBe('Echo: what are these? [image/png, image/webp]');
    expect((upstreamBody()['contents'] as { parts: unknown[] }[])[0]!.parts.slice(1)).toEqual([
      { inlineData: { mimeType: 'image/png', data: PNG.split(',')[1] } },
      { fileData: { mimeType: 'image/webp', fileUri: 'https://example.com/cat.webp' } },
    ]);
  });

  it('reports a prompt Gemini blocked as content_filter', async () => {
    const answer = await env.client.chat.completions.create({
      model: 'gemini/blocked-prompt',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(answer.choices[0]).toMatchObject({ message: { content: '' }, finish_reason: 'content_filter' });
  });
});

describe('Gemini failures through the gateway, as the openai SDK raises them', () => {
  const ask = (model: string, extra: object = {}) =>
    env.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], ...extra });

  it.each([
    ['gemini/fail-429', OpenAI.RateLimitError, 429],
    ['gemini/fail-404', OpenAI.NotFoundError, 404],
    ['gemini/fail-400', OpenAI.BadRequestError, 400],
    ['gemini/fail-503', OpenAI.InternalServerError, 503],
  ])('%s → %o (HTTP %i)', async (model, type, status) => {
    const err = await ask(model).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect(err).toMatchObject({ status });
  });

  it('refuses a parameter Gemini cannot honour with a 400 naming it', async () => {
    const err = await ask('gemini/gemini-2.0-flash', { logprobs: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ status: 400, param: 'logprobs' });
  });

  it('makes the SDK raise when Gemini reports an error inside the stream', async () => {
    const stream = await env.client.chat.completions.create({
      model: 'gemini/stream-error',
      messages: [{ role: 'user', content: 'a b c d' }],
      stream: true,
    });
    const seen = { text: '' };
    await expect(readText(stream, seen)).rejects.toThrow(/internal error/i);
    expect(seen.text).toBe('Echo: a');
  });
});
