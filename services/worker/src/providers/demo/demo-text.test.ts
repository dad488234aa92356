import { describe, expect, it } from 'vitest';
import { MAX_ECHO_CHARS, countTokens, demoAnswer, promptTokens, splitIntoDeltas } from './demo-text.js';

describe('demoAnswer', () => {
  it('echoes the last user message', () => {
    const messages = [
      { role: 'system', content: 'be nice' },
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'ok' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'second' },
          { type: 'image_url', image_url: { url: 'x' } },
        ],
      },
    ];
    expect(demoAnswer(messages)).toBe("Hello from Switchyard's demo provider. You said: second");
  });

  it('truncates long input', () => {
    const answer = demoAnswer([{ role: 'user', content: 'x'.repeat(5_000) }]);
    expect(answer).toBe(`Hello from Switchyard's demo provider. You said: ${'x'.repeat(MAX_ECHO_CHARS)}…`);
  });

  it('says so when the user said nothing', () => {
    expect(demoAnswer([{ role: 'system', content: 'hi' }])).toBe(
      "Hello from Switchyard's demo provider. You said nothing.",
    );
  });
});

describe('demo token counts and deltas', () => {
  it('counts words as tokens, deterministically', () => {
    expect(countTokens('  Hello  there, world ')).toBe(3);
    expect(
      promptTokens([
        { role: 'system', content: 'a b' },
        { role: 'user', content: 'c' },
      ]),
    ).toBe(3);
  });

  it('splits into deltas that join back to the text', () => {
    const text = "Hello from Switchyard's demo provider. You said: hi  there";
    const deltas = splitIntoDeltas(text);
    expect(deltas.slice(0, 2)).toEqual(['Hello', ' from']);
    expect(deltas.join('')).toBe(text);
  });
});
