import { describe, expect, it } from 'vitest';
import type { GatewayError } from '@switchyard/contracts';
import type { ProviderCall } from '../types.js';
import { toAnthropicBody, toAnthropicRequest, toAnthropicTarget, type AnthropicConfig } from './request.js';

const config = (extra: Partial<AnthropicConfig> = {}): AnthropicConfig => ({
  type: 'anthropic',
  base_url: 'https://api.anthropic.com',
  anthropic_version: '2023-06-01',
  default_max_tokens: 1000,
  headers: {},
  connections: 4,
  drop_params: false,
  ...extra,
});
const call = (body: Record<string, unknown>, stream = false): ProviderCall => ({
  providerId: 'claude',
  upstreamModel: 'claude-haiku-4-5',
  stream,
  includeUsage: false,
  body,
  signal: new AbortController().signal,
});
const user = (content: unknown) => ({ messages: [{ role: 'user', content }] });
const strict = toAnthropicTarget('claude', config());
const lenient = toAnthropicTarget('claude', config({ drop_params: true }));
const refusal = (fn: () => unknown): GatewayError => {
  try {
    fn();
  } catch (err) {
    return err as GatewayError;
  }
  throw new Error('expected a refusal');
};

describe('toAnthropicTarget', () => {
  it('sends the key as x-api-key with the configured version and headers, under any base path', () => {
    const target = toAnthropicTarget(
      'claude',
      config({
        base_url: 'https://proxy.internal/anthropic/',
        api_key: 'sk-ant-1',
        headers: { 'x-team': 'a' },
      }),
    );
    expect(target).toMatchObject({
      origin: 'https://proxy.internal',
      messagesPath: '/anthropic/v1/messages',
      headers: {
        'x-team': 'a',
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
        'x-api-key': 'sk-ant-1',
      },
    });
    expect(toAnthropicRequest(target, call(user('hi'))).path).toBe('/anthropic/v1/messages');
  });
});

describe('toAnthropicBody parameters', () => {
  it('asks Anthropic to stream only when the call streams, and never forwards stream_options', () => {
    const body = { ...user('hi'), stream: true, stream_options: { include_usage: false } };
    expect(toAnthropicBody(strict, call(body, true))).toEqual({
      model: 'claude-haiku-4-5',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      max_tokens: 1000,
      stream: true,
    });
    expect(toAnthropicBody(strict, call(body, false))).not.toHaveProperty('stream');
  });

  it('prefers max_completion_tokens over max_tokens', () => {
    const body = { ...user('hi'), max_tokens: 10, max_completion_tokens: 20 };
    expect(toAnthropicBody(strict, call(body))['max_tokens']).toBe(20);
  });

  it.each([
    ['n', 2],
    ['seed', 7],
    ['logprobs', true],
    ['top_logprobs', 3],
    ['presence_penalty', 0.5],
    ['frequency_penalty', -1],
    ['logit_bias', { '50256': -100 }],
    ['response_format', { type: 'json_object' }],
    ['response_format', { type: 'json_schema', json_schema: { name: 'x', schema: {} } }],
    ['functions', [{ name: 'f' }]],
    ['reasoning_effort', 'low'],
  ])('refuses %s=%j with a 400 naming it, unless drop_params', (param, value) => {
    const body = { ...user('hi'), [param]: value };
    const err = refusal(() => toAnthropicBody(strict, call(body)));
    expect([err.code, err.status, err.param, err.provider]).toEqual([
      'invalid_request',
      400,
      param,
      'claude',
    ]);
    expect(err.message).toContain(`cannot honour '${param}'`);
    expect(err.message).toContain('drop_params');
    const dropped = toAnthropicBody(lenient, call(body));
    expect(dropped).not.toHaveProperty(param);
    expect(dropped).toMatchObject({ model: 'claude-haiku-4-5', max_tokens: 1000 });
  });

  it('refuses a temperature above Anthropic’s 1 instead of clamping it; drop_params drops it', () => {
    const body = { ...user('hi'), temperature: 1.5 };
    expect(refusal(() => toAnthropicBody(strict, call(body)))).toMatchObject({ param: 'temperature' });
    expect(toAnthropicBody(lenient, call(body))).not.toHaveProperty('temperature');
    expect(toAnthropicBody(strict, call({ ...user('hi'), temperature: 1 }))['temperature']).toBe(1);
  });

  it('maps each tool_choice, and parallel_tool_calls:false onto it', () => {
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }];
    const choice = (tool_choice: unknown, parallel?: boolean) =>
      toAnthropicBody(
        strict,
        call({
          ...user('x'),
          tools,
          tool_choice,
          ...(parallel === undefined ? {} : { parallel_tool_calls: parallel }),
        }),
      )['tool_choice'];
    expect(choice('none')).toEqual({ type: 'none' });
    expect(choice('auto')).toEqual({ type: 'auto' });
    expect(choice('required')).toEqual({ type: 'any' });
    expect(choice({ type: 'function', function: { name: 'f' } })).toEqual({ type: 'tool', name: 'f' });
    expect(choice('required', false)).toEqual({ type: 'any', disable_parallel_tool_use: true });
    expect(choice(undefined, false)).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(choice('none', false)).toEqual({ type: 'none' });
    expect(choice(undefined, true)).toBeUndefined();
  });

  it('sends user (or safety_identifier) as metadata.user_id', () => {
    expect(toAnthropicBody(strict, call({ ...user('x'), user: 'u1' }))['metadata']).toEqual({
      user_id: 'u1',
    });
    expect(toAnthropicBody(strict, call({ ...user('x'), safety_identifier: 's1' }))['metadata']).toEqual({
      user_id: 's1',
    });
  });
});

describe('toAnthropicBody messages', () => {
  it('refuses tool-call arguments that are not a JSON object, naming the field', () => {
    for (const args of ['{"city": "Oslo"', '[1,2]', '"Oslo"']) {
      const body = {
        messages: [
          { role: 'user', content: 'x' },
          {
            role: 'assistant',
            tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: args } }],
          },
        ],
      };
      expect(refusal(() => toAnthropicBody(strict, call(body)))).toMatchObject({
        code: 'invalid_request',
        param: 'messages[1].tool_calls[0].function.arguments',
      });
    }
  });

  it.each([
    ['an SVG data URL', 'data:image/svg+xml;base64,PHN2Zz4=', /image\/svg\+xml/],
    ['a data URL that is not base64', 'data:image/png,rawbytes', /base64 data URL/],
    ['an ftp URL', 'ftp://example.com/a.png', /http\(s\) URL/],
  ])('refuses %s as an image, naming the part', (_name, url, message) => {
    const body = user([
      { type: 'text', text: 'x' },
      { type: 'image_url', image_url: { url } },
    ]);
    const err = refusal(() => toAnthropicBody(strict, call(body)));
    expect(err).toMatchObject({ code: 'invalid_request', param: 'messages[0].content[1].image_url.url' });
    expect(err.message).toMatch(message);
  });

  it('refuses audio input and uploaded file ids, even with drop_params (content is not a parameter)', () => {
    const audio = user([{ type: 'input_audio', input_audio: { data: 'AAA', format: 'wav' } }]);
    expect(refusal(() => toAnthropicBody(lenient, call(audio)))).toMatchObject({
      param: 'messages[0].content[0]',
    });
    const file = user([{ type: 'file', file: { file_id: 'file-abc' } }]);
    expect(refusal(() => toAnthropicBody(lenient, call(file)))).toMatchObject({
      param: 'messages[0].content[0].file',
    });
  });

  it('refuses the deprecated function role', () => {
    const body = { messages: [{ role: 'function', name: 'f', content: 'x' }] };
    expect(refusal(() => toAnthropicBody(strict, call(body)))).toMatchObject({ param: 'messages[0].role' });
  });

  it('keeps one plain system message a string, and leaves out empty messages', () => {
    const body = {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'a' },
        { role: 'assistant', content: '' },
        { role: 'user', content: 'b' },
      ],
    };
    expect(toAnthropicBody(strict, call(body))).toMatchObject({
      system: 'Be brief.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
        },
      ],
    });
  });
});
