import { readFileSync } from 'node:fs';
import { expectMatchesOpenAISpec } from '@switchyard/testkit';
import { describe, expect, it } from 'vitest';
import { toFinishReason } from './finish-reasons.js';
import { readConverseResponse } from './response.js';

interface ResponseFixture {
  converse: object;
  openai: object;
  summary: object;
}
const load = (name: string): ResponseFixture =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as ResponseFixture;
const MODEL = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const encode = (value: unknown) =>
  new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const read = (value: unknown) => {
  const { data, usage } = readConverseResponse('aws', encode(value), MODEL);
  return { answer: JSON.parse(new TextDecoder().decode(data)) as Record<string, unknown>, usage };
};

describe('readConverseResponse (golden)', () => {
  it.each(['converse-response-text.json', 'converse-response-tool-use.json'])(
    'turns %s into the OpenAI completion, with cached tokens counted in the prompt',
    (name) => {
      const fixture = load(name);
      const { answer, usage } = read(fixture.converse);
      expect(answer).toMatchObject(fixture.openai);
      expect(answer['choices']).toEqual((fixture.openai as { choices: unknown }).choices);
      expect(answer['usage']).toEqual((fixture.openai as { usage: unknown }).usage);
      expect(usage).toEqual(fixture.summary);
      expect(answer['id']).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
      expect(Math.abs((answer['created'] as number) - Date.now() / 1000)).toBeLessThan(5);
      expectMatchesOpenAISpec('CreateChatCompletionResponse', answer);
    },
  );

  it('gives each answer its own id', () => {
    const fixture = load('converse-response-text.json');
    expect(read(fixture.converse).answer['id']).not.toBe(read(fixture.converse).answer['id']);
  });

  it('answers null content when the model only called tools, and reads an answer without usage', () => {
    const { answer, usage } = read({
      output: {
        message: { role: 'assistant', content: [{ toolUse: { toolUseId: 't', name: 'f', input: {} } }] },
      },
      stopReason: 'tool_use',
    });
    expect(answer['choices']).toMatchObject([
      { message: { content: null, tool_calls: [{ function: { arguments: '{}' } }] } },
    ]);
    expect(usage).toBeUndefined();
    expect(answer).not.toHaveProperty('usage');
  });

  it('refuses an answer that is not JSON, or has no output, as upstream_error', () => {
    expect(() => read('<html>')).toThrow(
      expect.objectContaining({ code: 'upstream_error', provider: 'aws' }),
    );
    expect(() => read({ message: 'hi' })).toThrow(/without output/);
  });
});

describe('toFinishReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['tool_use', 'tool_calls'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['guardrail_intervened', 'content_filter'],
    ['content_filtered', 'content_filter'],
    ['a_reason_from_the_future', 'stop'],
    [undefined, 'stop'],
  ])('maps %s to %s', (reason, finish) => {
    expect(toFinishReason(reason)).toBe(finish);
  });
});
