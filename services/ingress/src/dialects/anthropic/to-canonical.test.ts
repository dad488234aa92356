import { ChatRequest, isGatewayError, type GatewayError } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { fixture } from './fixtures/load.js';
import { parseAnthropicRequest } from './request.js';
import { toCanonical } from './to-canonical.js';

const translate = (body: unknown): ChatRequest => toCanonical(parseAnthropicRequest(body));
const base = { model: 'any-model', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

function refusal(body: unknown): GatewayError {
  try {
    parseAnthropicRequest(body);
  } catch (err) {
    if (isGatewayError(err)) return err;
    throw err;
  }
  throw new Error('expected the body to be refused');
}

describe('toCanonical (golden)', () => {
  it.each([
    ['system blocks, text, base64 and url images, sampling, stream', 'text-image'],
    ['tools, tool_choice, tool_use and tool_result round trip, thinking dropped', 'tools'],
  ])('%s', (_what, name) => {
    const canonical = translate(fixture(`request-${name}.json`));
    expect(canonical).toEqual(fixture(`canonical-${name}.json`));
    // What the ingress publishes is a valid canonical body, as if a batch job had sent it.
    expect(ChatRequest.safeParse(canonical).success).toBe(true);
  });
});

describe('toCanonical', () => {
  it('maps each tool_choice, and sends none without tools (OpenAI refuses that)', () => {
    const tools = [{ name: 'f', input_schema: { type: 'object' } }];
    const choice = (tool_choice: unknown) => translate({ ...base, tools, tool_choice });
    expect(choice({ type: 'auto' }).tool_choice).toBe('auto');
    expect(choice({ type: 'any' }).tool_choice).toBe('required');
    expect(choice({ type: 'none' }).tool_choice).toBe('none');
    expect(choice({ type: 'auto', disable_parallel_tool_use: true }).parallel_tool_calls).toBe(false);
    expect(choice({ type: 'any', disable_parallel_tool_use: false })).not.toHaveProperty(
      'parallel_tool_calls',
    );
    const without = translate({ ...base, tools: [], tool_choice: { type: 'any' } });
    expect(without).not.toHaveProperty('tools');
    expect(without).not.toHaveProperty('tool_choice');
  });

  it('asks for usage on streams only, and leaves out what was not given', () => {
    expect(translate(base)).toEqual({
      model: 'any-model',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(translate({ ...base, stream: false })).not.toHaveProperty('stream_options');
  });

  it('an assistant turn of only tool calls has null content; an empty tool result is empty text', () => {
    const canonical = translate({
      ...base,
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1' }] },
      ],
    });
    expect(canonical.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 't1', content: '' },
    ]);
  });

  it('takes a system message among the messages, and ignores anthropic-only fields', () => {
    const canonical = translate({
      ...base,
      messages: [{ role: 'system', content: [{ type: 'text', text: 'Be brief.' }] }, ...base.messages],
      service_tier: 'auto',
      thinking: { type: 'enabled', budget_tokens: 2048 },
    });
    expect(canonical.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    expect(canonical).not.toHaveProperty('thinking');
    expect(canonical).not.toHaveProperty('service_tier');
  });
});

describe('parseAnthropicRequest refusals name the field', () => {
  it.each([
    ['max_tokens missing', { model: 'm', messages: base.messages }, 'max_tokens', /Missing required/],
    ['top_k', { ...base, top_k: 5 }, 'top_k', /no equivalent/],
    ['temperature above 1', { ...base, temperature: 1.5 }, 'temperature', /Invalid value/],
    ['no messages', { ...base, messages: [] }, 'messages', /Invalid value/],
    [
      'an unknown content block',
      { ...base, messages: [{ role: 'user', content: [{ type: 'document', source: {} }] }] },
      'messages[0].content[0].type',
      /"document" is not supported/,
    ],
    [
      'an image of an unsupported type',
      {
        ...base,
        messages: [
          {
            role: 'user',
            content: [{ type: 'image', source: { type: 'base64', media_type: 'image/tiff', data: 'x' } }],
          },
        ],
      },
      'messages[0].content[0].source.media_type',
      /image\/png/,
    ],
    [
      'a tool result without its tool_use_id',
      { ...base, messages: [{ role: 'user', content: [{ type: 'tool_result', content: 'x' }] }] },
      'messages[0].content[0].tool_use_id',
      /Missing required/,
    ],
    [
      'a server tool',
      { ...base, tools: [{ type: 'web_search_20250305', name: 'web_search' }] },
      'tools[0].type',
      /custom/,
    ],
    ['five stop sequences', { ...base, stop_sequences: ['a', 'b', 'c', 'd', 'e'] }, 'stop_sequences', /4/],
  ])('%s', (_what, body, param, message) => {
    const err = refusal(body);
    expect(err.code).toBe('invalid_request');
    expect(err.param).toBe(param);
    expect(err.message).toMatch(message);
  });
});
