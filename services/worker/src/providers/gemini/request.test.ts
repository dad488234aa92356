import { ProviderConfig } from '@switchyard/config';
import { describe, expect, it } from 'vitest';
import type { ProviderCall } from '../types.js';
import { toGeminiRequest, toGeminiTarget, toModelPath, type GeminiConfig } from './request.js';

const configOf = (extra: object = {}): GeminiConfig =>
  ProviderConfig.parse({ type: 'gemini', api_key: 'AIza-k', ...extra }) as GeminiConfig;
const call = (body: Record<string, unknown>, upstreamModel = 'gemini-2.0-flash'): ProviderCall => ({
  providerId: 'gem',
  upstreamModel,
  stream: false,
  includeUsage: false,
  body: { model: 'alias', messages: [{ role: 'user', content: 'hi' }], ...body },
  signal: new AbortController().signal,
});
const send = (body: Record<string, unknown>, model?: string, extra: object = {}) =>
  JSON.parse(toGeminiRequest(toGeminiTarget(configOf(extra)), call(body, model)).body) as Record<
    string,
    unknown
  >;
const refusal = (body: Record<string, unknown>, model?: string): unknown => {
  try {
    send(body, model);
  } catch (err) {
    return err;
  }
  throw new Error('expected a refusal');
};

describe('toGeminiTarget', () => {
  it('calls Google at /v1beta with the key as x-goog-api-key and the configured headers', () => {
    const target = toGeminiTarget(configOf({ headers: { 'x-team': 'search' } }));
    expect(target).toEqual({
      origin: 'https://generativelanguage.googleapis.com',
      versionPath: '/v1beta',
      headers: { 'x-team': 'search', 'content-type': 'application/json', 'x-goog-api-key': 'AIza-k' },
      dropParams: false,
    });
  });

  it('keeps a proxy path prefix, and a version the base URL already names', () => {
    expect(toGeminiTarget(configOf({ base_url: 'https://proxy.internal/google/' })).versionPath).toBe(
      '/google/v1beta',
    );
    expect(toGeminiTarget(configOf({ base_url: 'https://proxy.internal/v1' })).versionPath).toBe('/v1');
  });
});

describe('toModelPath', () => {
  it('prefixes models/, keeps tunedModels/, and escapes what a caller could slip into a path', () => {
    expect(toModelPath('gemini-2.5-flash')).toBe('models/gemini-2.5-flash');
    expect(toModelPath('tunedModels/my-model-7')).toBe('tunedModels/my-model-7');
    expect(toModelPath('a?key=x#y')).toBe('models/a%3Fkey%3Dx%23y');
  });

  it.each(['../files', 'models/../../v1/files', 'x/', ''])(
    'refuses %j with a 400 naming the model',
    (model) => {
      expect(() => toModelPath(model)).toThrow(
        expect.objectContaining({ code: 'invalid_request', param: 'model' }),
      );
    },
  );
});

describe('toGeminiRequest, parameters Gemini cannot honour', () => {
  it.each([
    ['logprobs', { logprobs: true }],
    ['top_logprobs', { top_logprobs: 3 }],
    ['logit_bias', { logit_bias: { '50256': -100 } }],
    ['parallel_tool_calls', { parallel_tool_calls: false }],
    ['audio', { audio: { voice: 'alloy', format: 'wav' } }],
    ['modalities', { modalities: ['text', 'audio'] }],
    ['functions', { functions: [{ name: 'f' }] }],
  ])('refuses %s with a 400 naming it and how to proceed', (param, body) => {
    const err = refusal(body);
    expect(err).toMatchObject({ code: 'invalid_request', param, provider: 'gem' });
    expect((err as Error).message).toContain(`cannot honour '${param}'`);
    expect((err as Error).message).toContain('drop_params');
  });

  it('lets harmless values of those parameters through', () => {
    const body = send({
      logprobs: false,
      top_logprobs: 0,
      logit_bias: {},
      parallel_tool_calls: true,
      modalities: ['text'],
    });
    expect(body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
  });

  it('drops them instead with drop_params, sending the rest', () => {
    const body = send({ logprobs: true, logit_bias: { '1': 5 }, temperature: 0.1 }, undefined, {
      drop_params: true,
    });
    expect(body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      generationConfig: { temperature: 0.1 },
    });
  });
});

describe('toGeminiRequest, reasoning_effort', () => {
  it('is a thinking budget on Gemini 2.x (Google’s own OpenAI mapping) and a thinking level after', () => {
    expect(send({ reasoning_effort: 'low' }, 'gemini-2.5-flash')['generationConfig']).toEqual({
      thinkingConfig: { thinkingBudget: 1024 },
    });
    expect(send({ reasoning_effort: 'none' }, 'models/gemini-2.5-flash')['generationConfig']).toEqual({
      thinkingConfig: { thinkingBudget: 0 },
    });
    expect(send({ reasoning_effort: 'high' }, 'gemini-3-pro-preview')['generationConfig']).toEqual({
      thinkingConfig: { thinkingLevel: 'HIGH' },
    });
  });

  it('refuses an effort the model cannot take instead of picking a near one', () => {
    expect(refusal({ reasoning_effort: 'none' }, 'gemini-3-pro-preview')).toMatchObject({
      code: 'invalid_request',
      param: 'reasoning_effort',
    });
  });
});

describe('toGeminiRequest, conversations', () => {
  it('merges adjacent turns of one role and leaves out empty text, which Gemini rejects', () => {
    const body = send({
      messages: [
        { role: 'user', content: 'one' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'two' },
            { type: 'text', text: '' },
          ],
        },
        { role: 'assistant', content: '' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'three' },
            { type: 'refusal', refusal: 'no' },
          ],
        },
      ],
    });
    expect(body['contents']).toEqual([
      { role: 'user', parts: [{ text: 'one' }, { text: 'two' }] },
      { role: 'model', parts: [{ text: 'three' }] },
    ]);
  });

  it('refuses a tool result that answers no earlier call, naming the message', () => {
    const err = refusal({
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'tool', tool_call_id: 'call_unknown', content: '{}' },
      ],
    });
    expect(err).toMatchObject({ code: 'invalid_request', param: 'messages[1].tool_call_id' });
  });

  it('refuses tool call arguments that are not a JSON object', () => {
    const err = refusal({
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '[1,2]' } }],
        },
      ],
    });
    expect(err).toMatchObject({ param: 'messages[1].tool_calls[0].function.arguments' });
  });

  it('maps the legacy function role to a function response', () => {
    const body = send({
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        { role: 'function', name: 'f', content: '42' },
      ],
    });
    expect((body['contents'] as unknown[])[2]).toEqual({
      role: 'user',
      parts: [{ functionResponse: { name: 'f', response: { output: 42 } } }],
    });
  });

  it.each([
    [
      { type: 'image_url', image_url: { url: 'ftp://example.com/a.png' } },
      'messages[0].content[1].image_url.url',
    ],
    [{ type: 'image_url', image_url: { url: 'data:;base64,AAAA' } }, 'messages[0].content[1].image_url.url'],
    [{ type: 'file', file: { file_id: 'file-abc' } }, 'messages[0].content[1].file'],
  ])('refuses a media part Gemini cannot read, naming it: %j', (part, param) => {
    const err = refusal({ messages: [{ role: 'user', content: [{ type: 'text', text: 'see' }, part] }] });
    expect(err).toMatchObject({ code: 'invalid_request', param });
  });

  it('encodes a text data URL as base64 inline data', () => {
    const body = send({
      messages: [
        { role: 'user', content: [{ type: 'file', file: { file_data: 'data:text/plain,h%C3%A9llo' } }] },
      ],
    });
    expect(body['contents']).toEqual([
      {
        role: 'user',
        parts: [{ inlineData: { mimeType: 'text/plain', data: Buffer.from('héllo').toString('base64') } }],
      },
    ]);
  });
});
