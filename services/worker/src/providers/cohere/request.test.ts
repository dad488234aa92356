import { describe, expect, it } from 'vitest';
import { testCall } from '../../test-support/replay-stream.js';
import { toCohereBody, toCohereTarget, type CohereConfig } from './request.js';
import { refusal } from '../../test-support/golden.js';

const strict = { providerId: 'cohere', dropParams: false };
const lenient = { providerId: 'cohere', dropParams: true };
const user = [{ role: 'user', content: 'hi' }];
const body = (extra: Record<string, unknown>, stream = false, policy = strict) =>
  toCohereBody(
    testCall({ model: 'alias', messages: user, ...extra }, { stream, upstreamModel: 'command-a-03-2025' }),
    policy,
  );
const weather = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object' } },
};
const time = { type: 'function', function: { name: 'get_time', parameters: { type: 'object' } } };

describe('toCohereBody', () => {
  it('renames OpenAI’s sampling parameters to Cohere’s', () => {
    expect(
      body(
        {
          temperature: 0.3,
          top_p: 0.8,
          seed: 5,
          max_tokens: 10,
          max_completion_tokens: 64,
          stop: 'END',
          frequency_penalty: 0.2,
        },
        true,
      ),
    ).toEqual({
      model: 'command-a-03-2025',
      messages: user,
      stream: true,
      temperature: 0.3,
      p: 0.8,
      seed: 5,
      max_tokens: 64,
      stop_sequences: ['END'],
      frequency_penalty: 0.2,
    });
  });

  it('translates a conversation: developer → system, images, an assistant’s words before its calls as tool_plan', () => {
    const messages = [
      { role: 'developer', content: [{ type: 'text', text: 'Be brief.' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'what is this?' },
          { type: 'image_url', image_url: { url: 'https://x/cat.png', detail: 'high' } },
        ],
      },
      {
        role: 'assistant',
        content: 'Let me check the weather.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      { role: 'assistant', content: [{ type: 'text', text: 'It is sunny.' }] },
    ];
    expect(body({ messages })['messages']).toEqual([
      { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'what is this?' },
          { type: 'image_url', image_url: { url: 'https://x/cat.png', detail: 'high' } },
        ],
      },
      {
        role: 'assistant',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        ],
        tool_plan: 'Let me check the weather.',
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      { role: 'assistant', content: 'It is sunny.' },
    ]);
  });

  it('maps tool_choice: required → REQUIRED, none → NONE, a named function → only that tool, required', () => {
    expect(body({ tools: [weather] })).toMatchObject({
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object' } },
        },
      ],
    });
    expect(body({ tools: [weather] })).not.toHaveProperty('tool_choice');
    expect(body({ tools: [weather], tool_choice: 'required' })['tool_choice']).toBe('REQUIRED');
    expect(body({ tools: [weather], tool_choice: 'none' })['tool_choice']).toBe('NONE');
    const named = body({
      tools: [weather, time],
      tool_choice: { type: 'function', function: { name: 'get_time' } },
    });
    expect([
      named['tool_choice'],
      (named['tools'] as { function: { name: string } }[]).map((t) => t.function.name),
    ]).toEqual(['REQUIRED', ['get_time']]);
    expect(
      refusal(() =>
        body({ tools: [weather], tool_choice: { type: 'function', function: { name: 'nope' } } }),
      ),
    ).toMatchObject({ param: 'tool_choice' });
  });

  it('turns strict tools into strict_tools, and a missing parameters schema into an empty one', () => {
    const out = body({ tools: [{ type: 'function', function: { name: 'ping', strict: true } }] });
    expect(out).toMatchObject({
      strict_tools: true,
      tools: [{ function: { name: 'ping', parameters: { type: 'object', properties: {} } } }],
    });
  });

  it('asks for JSON, with the schema when given', () => {
    expect(body({ response_format: { type: 'json_object' } })['response_format']).toEqual({
      type: 'json_object',
    });
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(
      body({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema } } })[
        'response_format'
      ],
    ).toEqual({
      type: 'json_object',
      json_schema: schema,
    });
  });

  it('passes Cohere’s own options (documents, safety_mode, thinking…) as they are', () => {
    expect(
      body({ safety_mode: 'STRICT', documents: ['d'], thinking: { type: 'enabled', token_budget: 100 } }),
    ).toMatchObject({
      safety_mode: 'STRICT',
      documents: ['d'],
      thinking: { type: 'enabled', token_budget: 100 },
    });
  });

  it.each([
    ['n', 2],
    ['logprobs', true],
    ['logit_bias', { 1: 1 }],
    ['reasoning_effort', 'high'],
    ['presence_penalty', 1.5],
    ['frequency_penalty', -0.5],
    ['top_p', 1],
  ])('refuses %s = %j, never clamping it, and drops it with drop_params', (param, value) => {
    expect(refusal(() => body({ [param]: value }))).toMatchObject({ code: 'invalid_request', param });
    expect(body({ [param]: value }, false, lenient)).not.toHaveProperty(param);
  });

  it('refuses an audio part naming it', () => {
    const messages = [
      { role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] },
    ];
    expect(refusal(() => body({ messages }))).toMatchObject({ param: 'messages[0].content[0]' });
  });
});

describe('toCohereTarget', () => {
  const config: CohereConfig = {
    type: 'cohere',
    base_url: 'https://api.cohere.com',
    api_key: 'co-key',
    headers: {},
    connections: 1,
    drop_params: false,
  };
  it('posts to /v2/chat with a bearer key', () => {
    expect(toCohereTarget(config)).toEqual({
      origin: 'https://api.cohere.com',
      chatPath: '/v2/chat',
      embedPath: '/v2/embed',
      headers: { 'content-type': 'application/json', authorization: 'Bearer co-key' },
    });
  });
});
