import { describe, expect, it } from 'vitest';
import { contentText, countWords, lastUserText, splitIntoDeltas } from './message-text.js';

describe('message text helpers', () => {
  it('reads the last user message, string or text parts', () => {
    const messages = [
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'reply' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: 'x' } },
        ],
      },
      { role: 'tool', content: 'ignored' },
    ];
    expect(lastUserText(messages)).toBe('look');
    expect(lastUserText([])).toBe('');
    expect(contentText(null)).toBe('');
  });

  it('splits into deltas that carry their leading space and join back exactly', () => {
    for (const text of ['Echo: hello  world', 'Echo: ', 'Echo: a\nb ', '']) {
      expect(splitIntoDeltas(text).join('')).toBe(text);
    }
    expect(splitIntoDeltas('Echo: hi you')).toEqual(['Echo:', ' hi', ' you']);
  });

  it('counts words as tokens', () => {
    expect(countWords('  one two\nthree ')).toBe(3);
    expect(countWords('')).toBe(0);
  });
});
