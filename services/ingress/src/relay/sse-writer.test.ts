import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createSseWriter } from './sse-writer.js';

/** A socket that takes one write at a time and is slow to drain, so every write pushes back. */
function slowSocket(): { out: Writable; text: () => string; ended: Promise<void> } {
  const parts: Buffer[] = [];
  const out = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _enc, callback) {
      parts.push(chunk);
      setTimeout(callback, 1);
    },
  });
  const ended = new Promise<void>((resolve) => out.on('finish', resolve));
  return { out, text: () => Buffer.concat(parts).toString(), ended };
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('createSseWriter', () => {
  it('frames each payload as one `data:` event and ends with [DONE]', async () => {
    const { out, text, ended } = slowSocket();
    const sse = createSseWriter(out);
    sse.event(enc('{"a":1}'));
    sse.done();
    await ended;
    expect(text()).toBe('data: {"a":1}\n\ndata: [DONE]\n\n');
  });

  it('keeps every event, in order, while the socket pushes back', async () => {
    const { out, text, ended } = slowSocket();
    const sse = createSseWriter(out);
    for (let i = 0; i < 50; i++) sse.event(enc(String(i)));
    sse.done();
    await ended;
    const expected = Array.from({ length: 50 }, (_, i) => `data: ${i}\n\n`).join('') + 'data: [DONE]\n\n';
    expect(text()).toBe(expected);
  });

  it('ends without [DONE] after an error event, and ignores anything after the end', async () => {
    const { out, text, ended } = slowSocket();
    const sse = createSseWriter(out);
    sse.event(enc('1'));
    sse.event(enc('{"error":{}}'));
    sse.end();
    sse.event(enc('late'));
    sse.done();
    await ended;
    expect(text()).toBe('data: 1\n\ndata: {"error":{}}\n\n');
  });
});
