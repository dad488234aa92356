import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ProviderCall } from '../types.js';
import { toConverseRequest } from './request.js';

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/converse-request.json', import.meta.url), 'utf8'),
) as {
  openai: Record<string, unknown>;
  converse: Record<string, unknown>;
};
const call = (body: Record<string, unknown>): ProviderCall => ({
  providerId: 'aws',
  upstreamModel: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
  stream: false,
  includeUsage: false,
  body,
  signal: new AbortController().signal,
});
const convert = (body: Record<string, unknown>, dropParams = false) =>
  toConverseRequest(call(body), { dropParams });
const user = (content: unknown) => ({ role: 'user', content });
const failure = (body: Record<string, unknown>, dropParams = false) => {
  try {
    convert(body, dropParams);
  } catch (err) {
    return err as { code: string; status: number; param?: string; message: string };
  }
  throw new Error('expected the request to be refused');
};

describe('toConverseRequest (golden)', () => {
  it('translates every feature of the fixture exactly, member for member', () => {
    expect(convert(fixture.openai)).toEqual(fixture.converse);
  });

  it('does not change the caller’s body', () => {
    const before = JSON.stringify(fixture.openai);
    convert(fixture.openai);
    expect(JSON.stringify(fixture.openai)).toBe(before);
  });
});

describe('toConverseRequest, parameters', () => {
  it('takes max_tokens when max_completion_tokens is absent, and one stop string', () => {
    expect(convert({ messages: [user('hi')], max_tokens: 7, stop: 'END' }).inferenceConfig).toEqual({
      maxTokens: 7,
      stopSequences: ['END'],
    });
    expect(convert({ messages: [user('hi')], temperature: null, stop: null })).not.toHaveProperty(
      'inferenceConfig',
    );
  });

  it.each([
    ['n', 2],
    ['seed', 42],
    ['logprobs', true],
    ['top_logprobs', 3],
    ['presence_penalty', 0.5],
    ['frequency_penalty', -1],
    ['logit_bias', { '50256': -100 }],
    ['response_format', { type: 'json_object' }],
    ['parallel_tool_calls', false],
    ['reasoning_effort', 'high'],
    ['store', true],
    ['service_tier', 'flex'],
    ['modalities', ['text', 'audio']],
    ['top_k', 40],
    ['functions', [{ name: 'f' }]],
  ])('refuses %s=%j with a 400 naming it, and drops it with drop_params', (param, value) => {
    const body = { messages: [user('hi')], [param]: value };
    const err = failure(body);
    expect([err.code, err.status, err.param]).toEqual(['invalid_request', 400, param]);
    expect(err.message).toContain(`'${param}'`);
    expect(err.message).toContain('drop_params');
    expect(JSON.stringify(convert(body, true))).not.toContain(JSON.stringify(value));
  });

  it('passes what asks for nothing: defaults, caller identity, caching hints', () => {
    const body = {
      messages: [user('hi')],
      n: 1,
      presence_penalty: 0,
      logprobs: false,
      store: false,
      service_tier: 'auto',
      modalities: ['text'],
      user: 'u-1',
      safety_identifier: 'hash',
      prompt_cache_key: 'k',
      seed: null,
    };
    expect(convert(body)).toEqual({ messages: [{ role: 'user', content: [{ text: 'hi' }] }] });
  });

  it('sends OpenAI metadata as Bedrock request metadata, for its invocation logs', () => {
    expect(
      convert({ messages: [user('hi')], metadata: { team: 'search', ticket: '42' } }).requestMetadata,
    ).toEqual({
      team: 'search',
      ticket: '42',
    });
  });

  it('maps tool_choice auto and required to Converse’s auto and any', () => {
    const tools = [{ type: 'function', function: { name: 'f' } }];
    expect(convert({ messages: [user('hi')], tools, tool_choice: 'auto' }).toolConfig?.toolChoice).toEqual({
      auto: {},
    });
    expect(
      convert({ messages: [user('hi')], tools, tool_choice: 'required' }).toolConfig?.toolChoice,
    ).toEqual({ any: {} });
    // A function without parameters still needs a schema on Converse: an empty object.
    expect(convert({ messages: [user('hi')], tools }).toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'f', inputSchema: { json: { type: 'object', properties: {} } } } }],
    });
  });

  it('honours tool_choice none by not offering the tools when no tool was used yet', () => {
    const tools = [{ type: 'function', function: { name: 'f' } }];
    expect(convert({ messages: [user('hi')], tools, tool_choice: 'none' })).not.toHaveProperty('toolConfig');
  });

  it('refuses tool_choice none once tools were used (Converse then needs them), unless drop_params', () => {
    const body = {
      messages: [
        user('hi'),
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 't1', content: 'done' },
      ],
      tools: [{ type: 'function', function: { name: 'f' } }],
      tool_choice: 'none',
    };
    expect(failure(body).param).toBe('tool_choice');
    expect(convert(body, true).toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'f', inputSchema: { json: { type: 'object', properties: {} } } } }],
    });
  });
});

describe('toConverseRequest, messages', () => {
  const image = (url: string) =>
    user([
      { type: 'text', text: 'look' },
      { type: 'image_url', image_url: { url } },
    ]);

  it('refuses an http(s) image URL with a 400 naming the exact parameter: Bedrock cannot fetch it', () => {
    const err = failure({ messages: [user('first'), image('https://example.com/cat.png')] });
    expect([err.code, err.param]).toEqual(['invalid_request', 'messages[1].content[1].image_url.url']);
    expect(err.message).toMatch(/cannot fetch images by URL/);
  });

  it('maps each image type Bedrock takes, and refuses the others', () => {
    const format = (mime: string) => {
      const block = convert({ messages: [image(`data:${mime};base64,AAAA`)] }).messages[0]!.content[1];
      return (block as { image: { format: string } }).image.format;
    };
    expect(['image/png', 'image/jpeg', 'image/jpg', 'image/gif', 'image/webp'].map(format)).toEqual([
      'png',
      'jpeg',
      'jpeg',
      'gif',
      'webp',
    ]);
    expect(failure({ messages: [image('data:image/tiff;base64,AAAA')] }).message).toMatch(/image\/tiff/);
    expect(failure({ messages: [image('data:image/png,not-base64')] }).param).toBe(
      'messages[0].content[1].image_url.url',
    );
  });

  it('refuses audio and file parts instead of dropping what the user sent', () => {
    const err = failure({
      messages: [user([{ type: 'input_audio', input_audio: { data: 'AA', format: 'wav' } }])],
    });
    expect([err.param, err.message]).toEqual([
      'messages[0].content[0]',
      'Bedrock Converse does not accept "input_audio" content parts through this gateway.',
    ]);
  });

  it('refuses tool call arguments that are not a JSON object, naming them', () => {
    const body = {
      messages: [
        user('hi'),
        {
          role: 'assistant',
          tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '[1,2' } }],
        },
      ],
    };
    expect(failure(body).param).toBe('messages[1].tool_calls[0].function.arguments');
  });

  it('refuses the legacy function role', () => {
    expect(failure({ messages: [user('hi'), { role: 'function', name: 'f', content: 'x' }] }).param).toBe(
      'messages[1].role',
    );
  });

  it('merges consecutive user turns and leaves out blank system text', () => {
    const out = convert({
      messages: [{ role: 'system', content: '  ' }, user('one'), user([{ type: 'text', text: 'two' }])],
    });
    expect(out).toEqual({ messages: [{ role: 'user', content: [{ text: 'one' }, { text: 'two' }] }] });
  });
});
