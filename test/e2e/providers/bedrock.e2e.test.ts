import { expectMatchesOpenAISpec, startFakeBedrock } from '@switchyard/testkit';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { lastBody, readText, readValidStream, useProviderGateway } from './provider-gateway.js';

const MASTER = 'sk-master-e2e-bedrock-0123456789';
const REGION = 'eu-central-1';
const KEYS = {
  accessKeyId: 'AKIAE2EBEDROCK000001',
  secretAccessKey: 'e2e/bedrock+secret',
  sessionToken: 'e2e-session',
};
const CLAUDE = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

const env = useProviderGateway({
  master: MASTER,
  // The fake checks every SigV4 signature against these keys, as Bedrock would.
  startFake: () => startFakeBedrock({ region: REGION, credentials: KEYS }),
  config: (fake) => ({
    providers: {
      aws: {
        type: 'bedrock',
        region: REGION,
        access_key_id: KEYS.accessKeyId,
        secret_access_key: KEYS.secretAccessKey,
        session_token: KEYS.sessionToken,
        base_url: fake.url,
      },
    },
    models: {
      claude: { deployments: [{ provider: 'aws', model: CLAUDE }] },
      'bedrock/*': { deployments: [{ provider: 'aws' }] },
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
type ConverseBody = {
  messages: { role: string; content: Record<string, unknown>[] }[];
  toolConfig?: unknown;
};
const lastUpstream = () => lastBody<ConverseBody>(env.fake);

describe('AWS Bedrock (Converse) through the gateway', () => {
  it('answers a completion valid against OpenAI’s spec, signed for Bedrock, with usage and cache reads', async () => {
    // Two different questions, so no response cache can answer the second: only the prompt cache.
    const ask = (text: string) =>
      env.client.chat.completions.create({
        model: 'claude',
        messages: [
          { role: 'system', content: 'You answer briefly.' },
          { role: 'user', content: text },
        ],
      });
    const first = await ask('hello bedrock');
    expectMatchesOpenAISpec('CreateChatCompletionResponse', first);
    expect(first.model).toBe(CLAUDE);
    expect(first.choices[0]?.message.content).toBe('Echo: hello bedrock');
    expect(first.choices[0]?.finish_reason).toBe('stop');
    // The system prompt is written to the fake's cache the first time, read from it the second.
    expect(first.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
    const second = await ask('hello again');
    expect(second.usage).toMatchObject({
      prompt_tokens: 5,
      total_tokens: 8,
      prompt_tokens_details: { cached_tokens: 3 },
    });

    const seen = env.fake.requests.at(-1)!;
    expect(seen).toMatchObject({ modelId: CLAUDE, operation: 'converse' });
    expect(seen.headers['authorization']).toContain(`Credential=${KEYS.accessKeyId}/`);
    expect(seen.headers['x-amz-security-token']).toBe(KEYS.sessionToken);
    expect(JSON.stringify(seen.headers)).not.toContain(MASTER);
  });

  it('streams chunks valid against OpenAI’s spec, with the usage chunk when asked', async () => {
    const stream = await env.client.chat.completions.create({
      model: 'bedrock/amazon.nova-lite-v1:0',
      messages: [{ role: 'user', content: 'one two three' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const { text, finish, usage } = await readValidStream(stream);
    expect(text).toBe('Echo: one two three');
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
    expect(env.fake.requests.at(-1)).toMatchObject({
      modelId: 'amazon.nova-lite-v1:0',
      operation: 'converse-stream',
    });
  });

  it('completes a tool round trip: streamed parallel calls, then the results reach Bedrock as toolResult blocks', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'What is the weather in Oslo and Lima?' },
    ];
    const called = await env.client.chat.completions
      .stream({ model: 'claude', messages, tools: [weather] })
      .finalChatCompletion();
    const message = called.choices[0]!.message;
    expect(called.choices[0]?.finish_reason).toBe('tool_calls');
    expect(message.content).toBe('Let me check the weather.');
    const calls = (message.tool_calls ?? []) as OpenAI.ChatCompletionMessageFunctionToolCall[];
    expect(calls.map((c) => [c.function.name, JSON.parse(c.function.arguments)])).toEqual([
      ['get_weather', { location: 'Oslo' }],
      ['get_weather', { location: 'Lima' }],
    ]);

    messages.push(
      message,
      ...calls.map((c, i) => ({
        role: 'tool' as const,
        tool_call_id: c.id,
        content: i === 0 ? 'sunny, 21°C' : 'fog, 16°C',
      })),
    );
    const answer = await env.client.chat.completions.create({ model: 'claude', messages, tools: [weather] });
    expect(answer.choices[0]?.message.content).toBe('The tool said: sunny, 21°C | fog, 16°C');

    const upstream = lastUpstream();
    expect(upstream.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(upstream.messages[1]!.content).toEqual([
      { text: 'Let me check the weather.' },
      { toolUse: { toolUseId: calls[0]!.id, name: 'get_weather', input: { location: 'Oslo' } } },
      { toolUse: { toolUseId: calls[1]!.id, name: 'get_weather', input: { location: 'Lima' } } },
    ]);
    expect(upstream.messages[2]!.content).toEqual([
      { toolResult: { toolUseId: calls[0]!.id, content: [{ text: 'sunny, 21°C' }] } },
      { toolResult: { toolUseId: calls[1]!.id, content: [{ text: 'fog, 16°C' }] } },
    ]);
  });

  it('sends an image part as image bytes, and refuses an image URL Bedrock cannot fetch', async () => {
    const answer = await env.client.chat.completions.create({
      model: 'claude',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image_url', image_url: { url: PNG } },
          ],
        },
      ],
    });
    expect(answer.choices[0]?.message.content).toBe('Echo: what is this? [png image, 68 bytes]');
    expect(lastUpstream().messages[0]!.content[1]).toEqual({
      image: { format: 'png', source: { bytes: PNG.slice('data:image/png;base64,'.length) } },
    });

    const err = await env.client.chat.completions
      .create({
        model: 'claude',
        messages: [
          {
            role: 'user',
            content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }],
          },
        ],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ status: 400, param: 'messages[0].content[0].image_url.url' });
  });

  it('refuses a parameter Bedrock cannot honour with a 400 naming it', async () => {
    const err = await env.client.chat.completions
      .create({ model: 'claude', messages: [{ role: 'user', content: 'hi' }], seed: 42 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ status: 400, param: 'seed' });
  });

  it.each([
    ['bedrock/fail-429', OpenAI.RateLimitError, 429, 'rate_limit_exceeded'],
    ['bedrock/fail-404', OpenAI.NotFoundError, 404, 'model_not_found'],
    ['bedrock/fail-400-context', OpenAI.BadRequestError, 400, 'context_length_exceeded'],
    ['bedrock/fail-503', OpenAI.InternalServerError, 503, 'service_unavailable'],
  ])('answers upstream %s with the SDK’s matching error', async (model, type, status, code) => {
    const err = await env.client.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect(err).toMatchObject({ status, code });
  });

  it('raises in the SDK when Bedrock throttles in the middle of a stream, after the first text', async () => {
    const stream = await env.client.chat.completions.create({
      model: 'bedrock/stream-throttle',
      messages: [{ role: 'user', content: 'a b c d' }],
      stream: true,
    });
    const seen = { text: '' };
    const err = await readText(stream, seen).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as Error).message).toMatch(/throttling/i);
    expect(seen.text).toBe('Echo: a');
  });
});
