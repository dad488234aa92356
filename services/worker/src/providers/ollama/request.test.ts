import { describe, expect, it } from 'vitest';
import { testCall } from '../../test-support/replay-stream.js';
import { toOllamaBody, toOllamaTarget, type OllamaConfig } from './request.js';
import { refusal } from '../../test-support/golden.js';

const strict = { providerId: 'ollama', dropParams: false };
const lenient = { providerId: 'ollama', dropParams: true };
const PNG = 'iVBORw0KGgoAAAANSUhEUg==';
const body = (extra: Record<string, unknown>, stream = false) =>
  toOllamaBody(
    testCall(
      { model: 'alias', messages: [{ role: 'user', content: 'hi' }], ...extra },
      { stream, upstreamModel: 'llama3.2' },
    ),
    strict,
  );

describe('toOllamaBody', () => {
  it('translates a whole conversation: roles, images as base64, tool calls with object arguments, named tool results', () => {
    const messages = [
      { role: 'developer', content: 'Be brief.' },
      { role: 'system', content: [{ type: 'text', text: 'Use metric.' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is here,' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          { type: 'text', text: 'and the weather?' },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '21C' },
    ];
    expect(body({ messages }).messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'system', content: 'Use metric.' },
      { role: 'user', content: 'What is here,\nand the weather?', images: [PNG] },
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }],
      },
      { role: 'tool', content: '21C', tool_name: 'get_weather' },
    ]);
  });

  it('maps sampling parameters into options, the caller’s own Ollama options kept', () => {
    const b = body({
      temperature: 0.2,
      top_p: 0.9,
      seed: 7,
      max_tokens: 50,
      max_completion_tokens: 64,
      stop: 'END',
      presence_penalty: 0.5,
      options: { num_ctx: 8192, temperature: 1 },
      keep_alive: '10m',
    });
    expect(b).toMatchObject({ model: 'llama3.2', stream: false, keep_alive: '10m' });
    expect(b['options']).toEqual({
      num_ctx: 8192,
      temperature: 0.2,
      top_p: 0.9,
      seed: 7,
      num_predict: 64,
      stop: ['END'],
      presence_penalty: 0.5,
    });
  });

  it('says stream explicitly (Ollama streams by default) and leaves options out when none apply', () => {
    expect(body({}, true)).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    expect(body({})['stream']).toBe(false);
  });

  it('asks for JSON, or for the JSON schema, as format', () => {
    expect(body({ response_format: { type: 'json_object' } })['format']).toBe('json');
    const schema = { type: 'object', properties: { age: { type: 'integer' } } };
    expect(
      body({ response_format: { type: 'json_schema', json_schema: { name: 'a', schema } } })['format'],
    ).toEqual(schema);
    expect(body({ response_format: { type: 'text' } })).not.toHaveProperty('format');
  });

  it('offers tools, leaves them out for tool_choice none, and cannot force one', () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    expect(body({ tools, tool_choice: 'auto' })['tools']).toEqual(tools);
    expect(body({ tools, tool_choice: 'none' })).not.toHaveProperty('tools');
    expect(refusal(() => body({ tools, tool_choice: 'required' }))).toMatchObject({
      code: 'invalid_request',
      param: 'tool_choice',
    });
    const dropped = toOllamaBody(
      testCall({ model: 'a', messages: [], tools, tool_choice: 'required' }),
      lenient,
    );
    expect(dropped['tools']).toEqual(tools);
  });

  it('refuses an image URL (Ollama takes inline images only), naming the part, unless dropped', () => {
    const messages = [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'see' },
          { type: 'image_url', image_url: { url: 'https://x/cat.png' } },
        ],
      },
    ];
    expect(refusal(() => body({ messages }))).toMatchObject({
      code: 'invalid_request',
      param: 'messages[0].content[1].image_url',
    });
    expect(toOllamaBody(testCall({ model: 'a', messages }), lenient)['messages']).toEqual([
      { role: 'user', content: 'see' },
    ]);
  });

  it.each([
    ['n', 2],
    ['logprobs', true],
    ['logit_bias', { 50256: -100 }],
    ['parallel_tool_calls', false],
  ])('refuses %s it cannot honour, and drops it with drop_params', (param, value) => {
    expect(refusal(() => body({ [param]: value }))).toMatchObject({ code: 'invalid_request', param });
    expect(
      JSON.stringify(toOllamaBody(testCall({ model: 'a', messages: [], [param]: value }), lenient)),
    ).not.toContain(param);
  });

  it('accepts the values it can honour: n 1, logprobs false, parallel tool calls', () => {
    expect(() => body({ n: 1, logprobs: false, parallel_tool_calls: true })).not.toThrow();
  });

  it('maps reasoning_effort to think', () => {
    expect(body({ reasoning_effort: 'high' })['think']).toBe('high');
    expect(body({ reasoning_effort: 'none' })['think']).toBe(false);
    expect(refusal(() => body({ reasoning_effort: 'extreme' }))).toMatchObject({ param: 'reasoning_effort' });
  });
});

describe('toOllamaTarget', () => {
  const config: OllamaConfig = {
    type: 'ollama',
    base_url: 'http://gpu-box:11434/',
    headers: {},
    connections: 2,
    drop_params: false,
  };
  it('posts to /api/chat, with a bearer key only when one is configured', () => {
    expect(toOllamaTarget(config)).toEqual({
      origin: 'http://gpu-box:11434',
      chatPath: '/api/chat',
      embedPath: '/api/embed',
      headers: { 'content-type': 'application/json' },
    });
    const proxied = toOllamaTarget({ ...config, base_url: 'https://proxy/ollama', api_key: 'k' });
    expect([proxied.chatPath, proxied.headers['authorization']]).toEqual(['/ollama/api/chat', 'Bearer k']);
  });
});
