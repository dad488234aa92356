import { EventStreamCodec } from '@smithy/eventstream-codec';
import { describe, expect, it } from 'vitest';
import type { UpstreamEvent } from '../providers/types.js';
import { readAwsEventStream } from './aws-eventstream.js';

const encoder = new TextEncoder();
const codec = new EventStreamCodec(
  (b) => new TextDecoder().decode(b),
  (s) => encoder.encode(s),
);
const str = (value: string) => ({ type: 'string' as const, value });
const event = (type: string, payload: object): Uint8Array =>
  codec.encode({
    headers: {
      ':event-type': str(type),
      ':content-type': str('application/json'),
      ':message-type': str('event'),
    },
    body: encoder.encode(JSON.stringify(payload)),
  });
const exception = (type: string, message: string): Uint8Array =>
  codec.encode({
    headers: {
      ':exception-type': str(type),
      ':content-type': str('application/json'),
      ':message-type': str('exception'),
    },
    body: encoder.encode(JSON.stringify({ message })),
  });

const join = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
async function* reads(bytes: Uint8Array, sizes: (i: number) => number): AsyncGenerator<Uint8Array> {
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = Math.max(1, sizes(i));
    yield bytes.slice(at, at + size);
    at += size;
  }
}
async function readAll(
  body: AsyncIterable<Uint8Array>,
): Promise<{ events: UpstreamEvent[]; batches: number }> {
  const events: UpstreamEvent[] = [];
  let batches = 0;
  for await (const batch of readAwsEventStream(body)) {
    batches++;
    events.push(...batch);
  }
  return { events, batches };
}

const STREAM = [
  event('messageStart', { role: 'assistant' }),
  event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Héllo ✓ wörld' }, p: 'abc' }),
  event('messageStop', { stopReason: 'end_turn' }),
  event('metadata', { usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 } }),
];
const EXPECTED: UpstreamEvent[] = [
  { event: 'messageStart', data: '{"role":"assistant"}' },
  { event: 'contentBlockDelta', data: '{"contentBlockIndex":0,"delta":{"text":"Héllo ✓ wörld"},"p":"abc"}' },
  { event: 'messageStop', data: '{"stopReason":"end_turn"}' },
  { event: 'metadata', data: '{"usage":{"inputTokens":1,"outputTokens":2,"totalTokens":3}}' },
];

describe('readAwsEventStream', () => {
  it('decodes each message to its :event-type and JSON payload', async () => {
    expect((await readAll(reads(join(STREAM), () => 1 << 20))).events).toEqual(EXPECTED);
  });

  it('reassembles messages split at every byte, including inside the prelude and multi-byte text', async () => {
    expect((await readAll(reads(join(STREAM), () => 1))).events).toEqual(EXPECTED);
    for (const size of [3, 7, 13, 50]) {
      expect((await readAll(reads(join(STREAM), () => size))).events).toEqual(EXPECTED);
    }
  });

  it('yields one batch per read, holding every whole message that read completed', async () => {
    const bytes = join(STREAM);
    const { batches } = await readAll(reads(bytes, () => bytes.length));
    expect(batches).toBe(1);
    const half = STREAM[0]!.length + 5;
    const split = await readAll(reads(bytes, (i) => (i === 0 ? half : bytes.length)));
    expect(split.batches).toBe(2);
  });

  it('names exceptions with a prefix the translator tells from events', async () => {
    const bytes = join([STREAM[0]!, exception('throttlingException', 'Too many tokens')]);
    expect((await readAll(reads(bytes, () => 9))).events).toEqual([
      EXPECTED[0],
      { event: 'exception:throttlingException', data: '{"message":"Too many tokens"}' },
    ]);
  });

  it('turns an unmodelled error message into an error event carrying its code and message', async () => {
    const error = codec.encode({
      headers: {
        ':message-type': str('error'),
        ':error-code': str('InternalFailure'),
        ':error-message': str('boom'),
      },
      body: new Uint8Array(0),
    });
    expect((await readAll(reads(error, () => 4))).events).toEqual([
      { event: 'error:InternalFailure', data: '{"message":"boom"}' },
    ]);
  });

  it('throws on a corrupted message instead of passing garbage on', async () => {
    const bytes = join(STREAM);
    bytes[STREAM[0]!.length + 20] ^= 0xff; // a payload byte of the second message
    await expect(readAll(reads(bytes, () => 64))).rejects.toThrow(/checksum/i);
  });

  it('throws when the stream ends inside a message, or a length is impossible', async () => {
    const bytes = join(STREAM);
    await expect(readAll(reads(bytes.slice(0, bytes.length - 3), () => 64))).rejects.toThrow(
      'the event stream ended inside a message',
    );
    const bogus = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
    await expect(readAll(reads(bogus, () => 8))).rejects.toThrow(/out of bounds/);
  });
});
