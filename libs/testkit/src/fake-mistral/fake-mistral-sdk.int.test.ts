import { Mistral } from '@mistralai/mistralai';
import type { MistralError } from '@mistralai/mistralai/models/errors';
import { HTTPValidationError } from '@mistralai/mistralai/models/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeMistral, type FakeMistral } from './start-fake-mistral.js';

// The fake is only trusted once Mistral's own SDK, which validates every answer and chunk
// against its schemas, accepts what it sends.
describe('startFakeMistral with the official @mistralai/mistralai SDK', () => {
  let fake: FakeMistral;
  let client: Mistral;
  const weather = {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { location: { type: 'string' } } },
    },
  };

  beforeAll(async () => {
    fake = await startFakeMistral({ apiKey: 'mistral-key' });
    client = new Mistral({ apiKey: 'mistral-key', serverURL: fake.url, retryConfig: { strategy: 'none' } });
  });
  afterAll(() => fake.stop());

  it('answers chat.complete with an echo and usage, after checking the key', async () => {
    const answer = await client.chat.complete({
      model: 'mistral-small-latest',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'bonjour le monde' },
      ],
      randomSeed: 7,
      maxTokens: 50,
    });
    expect(answer.choices[0]).toMatchObject({
      finishReason: 'stop',
      message: { role: 'assistant', content: 'Echo: bonjour le monde' },
    });
    expect(answer.usage).toMatchObject({ promptTokens: 5, completionTokens: 4, totalTokens: 9 });
    const seen = fake.requests.at(-1)!;
    expect([seen.path, seen.headers.authorization]).toEqual(['/v1/chat/completions', 'Bearer mistral-key']);
    expect(seen.body).toMatchObject({ random_seed: 7, max_tokens: 50 });
  });

  it('streams with chat.stream: text, then the finish with usage on the same last chunk', async () => {
    const stream = await client.chat.stream({
      model: 'mistral-small-latest',
      messages: [{ role: 'user', content: 'one two' }],
    });
    const events = [];
    for await (const event of stream) events.push(event.data);
    expect(events.map((e) => e.choices[0]?.delta.content ?? '').join('')).toBe('Echo: one two');
    expect(events.at(-1)).toMatchObject({
      choices: [{ finishReason: 'stop' }],
      usage: { promptTokens: 2, completionTokens: 3 },
    });
  });

  it('calls the tool whole, with a 9-character id, and takes the result back', async () => {
    const answer = await client.chat.complete({
      model: 'mistral-large-latest',
      messages: [{ role: 'user', content: 'weather in Oslo?' }],
      tools: [weather],
      toolChoice: 'any',
    });
    const call = answer.choices[0]!.message!.toolCalls![0]!;
    expect(answer.choices[0]!.finishReason).toBe('tool_calls');
    expect(call).toMatchObject({
      id: 'D681PevKs',
      function: { name: 'get_weather', arguments: '{"location":"Oslo"}' },
    });
    const next = await client.chat.complete({
      model: 'mistral-large-latest',
      messages: [
        { role: 'user', content: 'weather in Oslo?' },
        { role: 'assistant', content: '', toolCalls: [call] },
        { role: 'tool', toolCallId: call.id!, name: 'get_weather', content: 'sunny' },
      ],
      tools: [weather],
    });
    expect(next.choices[0]!.message!.content).toBe('Tool said: sunny');

    const stream = await client.chat.stream({
      model: 'm',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [weather],
    });
    const last = [];
    for await (const event of stream) last.push(event.data);
    expect(last.at(-1)!.choices[0]).toMatchObject({
      finishReason: 'tool_calls',
      delta: { toolCalls: [{ id: 'D681PevKs', index: 0 }] },
    });
  });

  it('reads an image part', async () => {
    const answer = await client.chat.complete({
      model: 'pixtral-12b',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this' },
            { type: 'image_url', imageUrl: 'data:image/png;base64,iVBORw0KGgo=' },
          ],
        },
      ],
    });
    expect(answer.choices[0]!.message!.content).toBe('Echo: what is this [1 image]');
  });

  it('raises the SDK’s errors: 422 for a field Mistral does not know, 401, 400 invalid model, 429', async () => {
    const raw = await fetch(`${fake.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer mistral-key' },
      body: JSON.stringify({
        model: 'm',
        messages: [{ role: 'user', content: 'x', name: 'al' }],
        stream_options: {},
      }),
    });
    expect(raw.status).toBe(422);
    expect(
      ((await raw.json()) as { message: { detail: { loc: unknown[] }[] } }).message.detail.map((d) => d.loc),
    ).toEqual([
      ['body', 'stream_options'],
      ['body', 'messages', 0, 'user', 'name'],
    ]);
    const bad = await client.chat
      .complete({ model: 'm', messages: [{ role: 'user', content: 'x' }], toolChoice: 'sometimes' as never })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(HTTPValidationError);

    const statusOf = (model: string, c = client) =>
      c.chat
        .complete({ model, messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e as MistralError);
    const wrongKey = new Mistral({ apiKey: 'nope', serverURL: fake.url, retryConfig: { strategy: 'none' } });
    expect(await statusOf('m', wrongKey)).toMatchObject({ statusCode: 401 });
    const invalid = await statusOf('fail-404');
    expect([invalid.statusCode, JSON.parse(invalid.body).type]).toEqual([400, 'invalid_model']);
    expect(await statusOf('fail-429')).toMatchObject({ statusCode: 429 });
  });

  it('refuses tool-call ids that are not 9 letters and digits, as Mistral does', async () => {
    const err = await client.chat
      .complete({
        model: 'm',
        messages: [
          {
            role: 'assistant',
            content: '',
            toolCalls: [{ id: 'call_openai_style', function: { name: 'f', arguments: '{}' } }],
          },
          { role: 'tool', toolCallId: 'call_openai_style', content: 'x' },
        ],
      })
      .catch((e: unknown) => e as MistralError);
    expect(err).toMatchObject({ statusCode: 400 });
  });
});
