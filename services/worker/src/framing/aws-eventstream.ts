import { EventStreamCodec } from '@smithy/eventstream-codec';
import type { UpstreamEvent } from '../providers/types.js';

/** An `exception` message's event name: `exception:throttlingException`. */
export const EXCEPTION_PREFIX = 'exception:';
/** An `error` message's event name (an unmodelled failure): `error:<:error-code>`. */
export const ERROR_PREFIX = 'error:';

// The codec's header marshaller needs UTF-8 both ways: Node's own, rather than one more package.
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const codec = new EventStreamCodec(
  (bytes) => decoder.decode(bytes),
  (text) => encoder.encode(text),
);

// The codec's message type, without importing @smithy/types, which the worker does not depend on.
type Message = ReturnType<EventStreamCodec['decode']>;

const PRELUDE = 12; // total length, headers length, prelude CRC
const MIN_MESSAGE = PRELUDE + 4;
// The format allows 16 MiB of payload plus 128 KiB of headers; anything larger is corrupt data.
const MAX_MESSAGE = 16 * 1024 * 1024 + 128 * 1024 + MIN_MESSAGE;

const headerText = (message: Message, name: string): string | undefined => {
  const header = message.headers[name];
  return header?.type === 'string' ? header.value : undefined;
};

function toUpstreamEvent(message: Message): UpstreamEvent {
  const data = decoder.decode(message.body);
  const type = headerText(message, ':message-type');
  if (type === 'event') return { event: headerText(message, ':event-type'), data };
  if (type === 'exception')
    return { event: `${EXCEPTION_PREFIX}${headerText(message, ':exception-type') ?? ''}`, data };
  if (type === 'error') {
    const said = headerText(message, ':error-message');
    return {
      event: `${ERROR_PREFIX}${headerText(message, ':error-code') ?? ''}`,
      data: JSON.stringify(said === undefined ? {} : { message: said }),
    };
  }
  throw new Error(`event stream message of unknown type ${String(type)}`);
}

/**
 * `application/vnd.amazon.eventstream`, as AWS streams: binary messages (prelude with lengths and
 * a CRC, typed headers, payload, message CRC) that network reads split and join at any byte. Bytes
 * are buffered until a whole message is in, then decoded (CRCs checked) by AWS's own codec. One
 * batch of events per network read; a corrupt or truncated stream throws.
 */
export async function* readAwsEventStream(body: AsyncIterable<Uint8Array>): AsyncGenerator<UpstreamEvent[]> {
  let buffer: Uint8Array = new Uint8Array(0);
  for await (const part of body) {
    buffer = buffer.length === 0 ? part : concat(buffer, part);
    const batch: UpstreamEvent[] = [];
    while (buffer.length >= 4) {
      const total = new DataView(buffer.buffer, buffer.byteOffset, 4).getUint32(0);
      if (total < MIN_MESSAGE || total > MAX_MESSAGE) {
        throw new Error(`event stream message length ${total} is out of bounds`);
      }
      if (buffer.length < total) break;
      batch.push(toUpstreamEvent(codec.decode(buffer.subarray(0, total))));
      buffer = buffer.subarray(total);
    }
    if (batch.length > 0) yield batch;
  }
  if (buffer.length > 0) throw new Error('the event stream ended inside a message');
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
