import { describe, expect, it } from 'vitest';
import { FINISH_REASONS, toFinishReason } from './finish-reasons.js';
import { fromAnthropicMessage, readAnthropicResponse } from './response.js';

const encode = (value: unknown): Uint8Array =>
  new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const message = (extra: object) => ({
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-haiku-4-5',
  content: [],
  stop_reason: 'end_turn',
  usage: { input_tokens: 1, output_tokens: 1 },
  ...extra,
});

describe('finish reasons', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
  ])('%s → %s', (reason, finish) => {
    expect(toFinishReason(reason)).toBe(finish);
    expect(fromAnthropicMessage(message({ stop_reason: reason }), 1).choices[0]?.finish_reason).toBe(finish);
  });

  it('reads a reason it does not know (or none) as stop', () => {
    expect(Object.keys(FINISH_REASONS)).not.toContain('something_new');
    expect(toFinishReason('something_new')).toBe('stop');
    expect(toFinishReason(null)).toBe('stop');
  });
});

describe('readAnthropicResponse', () => {
  it('answers content null when the model only called tools', () => {
    const answer = fromAnthropicMessage(
      message({ content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }], stop_reason: 'tool_use' }),
      1,
    );
    expect(answer.choices[0]?.message).toMatchObject({
      content: null,
      tool_calls: [{ function: { arguments: '{}' } }],
    });
  });

  it.each([
    ['not JSON', '<html>oops</html>', /not valid JSON/],
    ['not a message', { type: 'error', error: { type: 'api_error', message: 'x' } }, /not a message/],
  ])('refuses a 2xx answer that is %s as upstream_error', (_name, body, message) => {
    expect(() => readAnthropicResponse('claude', encode(body), 1)).toThrow(
      expect.objectContaining({
        code: 'upstream_error',
        provider: 'claude',
        message: expect.stringMatching(message),
      }),
    );
  });
});
