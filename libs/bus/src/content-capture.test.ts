import { describe, expect, it } from 'vitest';
import { cutToBytes, promptText } from './content-capture.js';

const bytes = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));

describe('promptText', () => {
  it('writes chat messages as role: text lines, naming parts that are not text', () => {
    const body = bytes({
      model: 'm',
      messages: [
        { role: 'system', content: 'be brief' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          ],
        },
      ],
    });
    expect(promptText(body)).toBe('system: be brief\nuser: what is this [image]');
  });

  it('writes embeddings inputs one a line', () => {
    expect(promptText(bytes({ model: 'e', input: ['a', 'b'] }))).toBe('a\nb');
  });
});

describe('cutToBytes', () => {
  it('cuts to the byte bound without splitting a character', () => {
    const { text, cut } = cutToBytes('ab€€', 6); // € is 3 bytes
    expect(cut).toBe(true);
    expect(text).toBe('ab€');
    expect(cutToBytes('short', 100)).toEqual({ text: 'short', cut: false });
  });
});
