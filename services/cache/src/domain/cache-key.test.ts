import { describe, expect, it } from 'vitest';
import { entryKey, requestHash } from './cache-key.js';

const base = {
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'Hi' }],
  temperature: 0,
};
const hash = (body: Record<string, unknown>, model = 'gpt-4o') => requestHash(model, body);

describe('requestHash', () => {
  it.each([
    ['messages', { messages: [{ role: 'user', content: 'Hello' }] }],
    ['tools', { tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] }],
    ['tool_choice', { tool_choice: 'none' }],
    ['temperature', { temperature: 0.5 }],
    ['top_p', { top_p: 0.1 }],
    ['response_format', { response_format: { type: 'json_object' } }],
    ['seed', { seed: 7 }],
    ['n', { n: 2 }],
    ['stop', { stop: ['\n'] }],
    ['max_tokens', { max_tokens: 5 }],
    ['a field the gateway does not know', { some_new_option: true }],
  ])('changes with %s', (_name, change) => {
    expect(hash({ ...base, ...change })).not.toBe(hash(base));
  });

  it.each([
    ['user', { user: 'alice' }],
    ['metadata', { metadata: { ticket: '1' } }],
    ['stream', { stream: true }],
    ['stream_options', { stream: true, stream_options: { include_usage: true } }],
    ['store', { store: true }],
  ])('does not change with %s', (_name, change) => {
    expect(hash({ ...base, ...change })).toBe(hash(base));
  });

  it('changes with the model the caller named, not the body’s model field', () => {
    expect(hash(base, 'gpt-4o-mini')).not.toBe(hash(base));
    expect(hash({ ...base, model: 'other' })).toBe(hash(base));
  });

  it('ignores the order of object keys but not of messages', () => {
    const reordered = { temperature: 0, messages: [{ content: 'Hi', role: 'user' }] };
    expect(hash(reordered)).toBe(hash(base));
    const two = [
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
    ];
    expect(hash({ ...base, messages: two })).not.toBe(hash({ ...base, messages: [...two].reverse() }));
  });
});

describe('entryKey', () => {
  it('encodes separators and glob characters so keys split and match safely', () => {
    expect(entryKey('team:search', 'up/*', 'abc')).toBe('team%3asearch:up/%2a:abc');
  });
});
