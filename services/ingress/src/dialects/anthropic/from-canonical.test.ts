import { ChatCompletion, type FinishReason } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { fixture } from './fixtures/load.js';
import { fromCanonical, toAnthropicUsage } from './from-canonical.js';

const completion = (name: string): ChatCompletion => ChatCompletion.parse(fixture(name));
const text = completion('completion-text.json');
const withFinish = (finish: FinishReason | null, message: object = {}): ChatCompletion => ({
  ...text,
  choices: [
    { ...text.choices[0]!, finish_reason: finish, message: { ...text.choices[0]!.message, ...message } },
  ],
});

describe('fromCanonical (golden)', () => {
  it('a text answer, its cached prompt tokens apart from the rest', () => {
    expect(fromCanonical(text)).toEqual(fixture('message-text.json'));
  });

  it('text and tool calls, arguments parsed (empty ones as {})', () => {
    expect(fromCanonical(completion('completion-tool-calls.json'))).toEqual(
      fixture('message-tool-calls.json'),
    );
  });
});

describe('fromCanonical', () => {
  it.each([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['tool_calls', 'tool_use'],
    ['function_call', 'tool_use'],
    ['content_filter', 'refusal'],
    [null, 'end_turn'],
  ] as const)('finish_reason %s → stop_reason %s', (finish, stop) => {
    expect(fromCanonical(withFinish(finish)).stop_reason).toBe(stop);
  });

  it('tool calls finished with `stop` (some servers do) still end with tool_use', () => {
    const calls = [{ id: 'c1', type: 'function' as const, function: { name: 'f', arguments: '{"a":1}' } }];
    const message = fromCanonical(withFinish('stop', { content: null, tool_calls: calls }));
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([{ type: 'tool_use', id: 'c1', name: 'f', input: { a: 1 } }]);
  });

  it('a refusal is its text with stop_reason refusal', () => {
    const message = fromCanonical(withFinish('stop', { content: null, refusal: 'I cannot help with that.' }));
    expect(message.content).toEqual([{ type: 'text', text: 'I cannot help with that.' }]);
    expect(message.stop_reason).toBe('refusal');
  });

  it('tool arguments that are not JSON are an upstream error, not a guess', () => {
    const calls = [{ id: 'c1', type: 'function' as const, function: { name: 'f', arguments: '{"a":' } }];
    expect(() => fromCanonical(withFinish('tool_calls', { tool_calls: calls }))).toThrow(
      expect.objectContaining({ name: 'GatewayError', code: 'upstream_error' }),
    );
  });

  it('usage: zeros when the answer has none', () => {
    expect(toAnthropicUsage(undefined)).toEqual({
      input_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 0,
    });
  });
});
