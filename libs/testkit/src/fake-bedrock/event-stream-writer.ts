import { EventStreamCodec } from '@smithy/eventstream-codec';
import type { FakeResponse } from './fake-response.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const codec = new EventStreamCodec(
  (bytes) => decoder.decode(bytes),
  (text) => encoder.encode(text),
);

const str = (value: string) => ({ type: 'string' as const, value });

/** One binary `application/vnd.amazon.eventstream` message: an event, or a modelled exception. */
export function encodeEvent(eventType: string, payload: object): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': str(eventType),
      ':content-type': str('application/json'),
      ':message-type': str('event'),
    },
    body: encoder.encode(JSON.stringify(payload)),
  });
}

export function encodeException(exceptionType: string, payload: object): Uint8Array {
  return codec.encode({
    headers: {
      ':exception-type': str(exceptionType),
      ':content-type': str('application/json'),
      ':message-type': str('exception'),
    },
    body: encoder.encode(JSON.stringify(payload)),
  });
}

/** Starts a ConverseStream answer with the headers Bedrock sends. */
export function startEventStream(res: FakeResponse, requestId: string): void {
  res.writeHead(200, {
    'content-type': 'application/vnd.amazon.eventstream',
    'x-amzn-requestid': requestId,
  });
}

/** Writes one message and resolves once it is handed to the socket (so a later destroy keeps it). */
export function writeMessage(res: FakeResponse, message: Uint8Array): Promise<void> {
  return new Promise((resolve) => res.write(message, () => resolve()));
}
