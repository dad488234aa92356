import { describe, expect, it } from 'vitest';
import { testCall } from '../../test-support/replay-stream.js';
import { toMistralToolCallId } from './messages.js';
import { toMistralBody, toMistralTarget, type MistralConfig } from './request.js';
import { refusal } from '../../test-support/golden.js';

const strict = { providerId: 'mistral', dropParams: false };
const lenient = { providerId: 'mistral', dropParams: true };
const user = [{ role: 'user', content: 'hi' }];
const body = (extra: Record<string, unknown>, stream = false, policy = strict) =>
  toMistralBody(
    testCall({ model: 'alias', messages: user, ...extra }, { stream, upstreamModel: 'mistral-small-latest' }),
    policy,
  );

describe('toMistralBody', () => {
  it('renames OpenAI’s parameters to Mistral’s: seed → random_seed, required → any, max_completion_tokens → max_tokens', () => {
    expect(
      body({
        seed: 42,
        tool_choice: 'required',
        max_completion_tokens: 64,
        temperature: 0.3,
        top_p: 0.9,
        stop: ['\n'],
        n: 2,
      }),
    ).toEqual({
      model: 'mistral-small-latest',
      messages: user,
      random_seed: 42,
      tool_choice: 'any',
      max_tokens: 64,
      temperature: 0.3,
      top_p: 0.9,
      stop: ['\n'],
      n: 2,
    });
    expect(body({ tool_choice: { type: 'function', function: { name: 'f' } } })['tool_choice']).toEqual({
      type: 'function',
      function: { name: 'f' },
    });
  });

  it('sends no stream_options (Mistral refuses them and reports usage anyway), nor user or store', () => {
    expect(
      body({ stream: true, stream_options: { include_usage: false }, user: 'u-1', store: true }, true),
    ).toEqual({
      model: 'mistral-small-latest',
      messages: user,
      stream: true,
    });
  });

  it('passes response_format and Mistral’s own options through, and unknown fields for Mistral to judge', () => {
    const format = {
      type: 'json_schema',
      json_schema: { name: 'a', schema: { type: 'object' }, strict: true },
    };
    expect(
      body({ response_format: format, safe_prompt: true, prompt_mode: 'reasoning', mystery: 1 }),
    ).toMatchObject({
      response_format: format,
      safe_prompt: true,
      prompt_mode: 'reasoning',
      mystery: 1,
    });
  });

  it('rebuilds messages from the fields Mistral accepts', () => {
    const messages = [
      { role: 'developer', content: 'Be brief.', name: 'ops' },
      {
        role: 'user',
        name: 'alice',
        content: [
          { type: 'text', text: 'what is this?' },
          { type: 'image_url', image_url: { url: 'https://x/cat.png', detail: 'low' } },
          { type: 'input_audio', input_audio: { data: 'UklGR', format: 'wav' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        refusal: null,
        reasoning_content: 'hmm',
        tool_calls: [
          { id: 'call_abc123xyz789', type: 'function', function: { name: 'look', arguments: '{"q":1}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_abc123xyz789', content: 'a cat' },
    ];
    const id = toMistralToolCallId('call_abc123xyz789');
    expect(id).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(body({ messages })['messages']).toEqual([
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'what is this?' },
          { type: 'image_url', image_url: { url: 'https://x/cat.png', detail: 'low' } },
          { type: 'input_audio', input_audio: 'UklGR' },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id, type: 'function', function: { name: 'look', arguments: '{"q":1}' } }],
      },
      { role: 'tool', content: 'a cat', tool_call_id: id, name: 'look' },
    ]);
  });

  it('keeps Mistral’s own 9-character tool-call ids as they are', () => {
    expect(toMistralToolCallId('D681PevKs')).toBe('D681PevKs');
    expect(toMistralToolCallId('call_1')).toBe(toMistralToolCallId('call_1'));
    expect(toMistralToolCallId('call_1')).not.toBe(toMistralToolCallId('call_2'));
  });

  it.each([
    ['logprobs', true],
    ['top_logprobs', 3],
    ['logit_bias', { 1: 1 }],
    ['audio', { voice: 'alloy' }],
  ])('refuses %s, naming it, and drops it with drop_params', (param, value) => {
    expect(refusal(() => body({ [param]: value }))).toMatchObject({ code: 'invalid_request', param });
    expect(body({ [param]: value }, false, lenient)).not.toHaveProperty(param);
  });

  it('refuses a file part naming it, unless dropped', () => {
    const messages = [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'x' },
          { type: 'file', file: { file_id: 'f' } },
        ],
      },
    ];
    expect(refusal(() => body({ messages }))).toMatchObject({ param: 'messages[0].content[1]' });
    expect(body({ messages }, false, lenient)['messages']).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'x' }] },
    ]);
  });
});

describe('toMistralTarget', () => {
  const config: MistralConfig = {
    type: 'mistral',
    base_url: 'https://api.mistral.ai',
    api_key: 'mk',
    headers: {},
    connections: 1,
    drop_params: false,
  };
  it('posts to /v1/chat/completions with the key as a bearer token, whether or not base_url ends in /v1', () => {
    expect(toMistralTarget(config)).toEqual({
      origin: 'https://api.mistral.ai',
      chatPath: '/v1/chat/completions',
      embeddingsPath: '/v1/embeddings',
      headers: { 'content-type': 'application/json', authorization: 'Bearer mk' },
    });
    expect(toMistralTarget({ ...config, base_url: 'https://api.mistral.ai/v1/' }).chatPath).toBe(
      '/v1/chat/completions',
    );
  });
});
