import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { Frame } from '@switchyard/bus';
import { FrameKinds, GatewayError, isGatewayError, toOpenAIErrorBody } from '@switchyard/contracts';
import { errorOfFrame, type StreamDialect } from './dialect.js';
import type { Exchange, ReplyEvent } from './exchange.js';
import { createSseWriter, type SseWriter } from './sse-writer.js';

const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  // nginx and similar proxies buffer responses unless told not to, which would hold chunks back.
  'x-accel-buffering': 'no',
} as const;

const encoder = new TextEncoder();
const TURNED_WHOLE = 'The answer turned from a stream into a whole response.';

/** OpenAI's in-stream error: `data: {"error":{…}}`, after which the stream ends without `[DONE]`. */
const errorPayload = (err: GatewayError): Uint8Array =>
  encoder.encode(JSON.stringify(toOpenAIErrorBody(err)));

function write(sse: SseWriter, event: ReplyEvent): void {
  if (isGatewayError(event)) {
    sse.event(errorPayload(event));
    sse.end();
    return;
  }
  switch (event.kind) {
    case FrameKinds.chunk:
      sse.event(event.data);
      return;
    case FrameKinds.done:
      sse.done();
      return;
    case FrameKinds.error:
      // The frame's body is already the OpenAI error body.
      sse.event(event.data);
      sse.end();
      return;
    case FrameKinds.response:
      sse.event(errorPayload(new GatewayError('upstream_error', TURNED_WHOLE)));
      sse.end();
      return;
  }
}

/** The same, each event translated into a dialect; a failure to translate ends the stream with an error. */
function writeTranslated(sse: SseWriter, dialect: StreamDialect, event: ReplyEvent): void {
  const fail = (err: GatewayError): void => {
    sse.framed(dialect.error(err));
    sse.end();
  };
  if (isGatewayError(event)) return fail(event);
  try {
    switch (event.kind) {
      case FrameKinds.chunk:
        sse.framed(dialect.chunk(event.data));
        return;
      case FrameKinds.done:
        sse.framed(dialect.done());
        sse.end();
        return;
      case FrameKinds.error:
        return fail(errorOfFrame(event));
      case FrameKinds.response:
        return fail(new GatewayError('upstream_error', TURNED_WHOLE));
    }
  } catch (cause) {
    fail(
      isGatewayError(cause)
        ? cause
        : new GatewayError('upstream_error', 'The answer could not be translated.', { cause }),
    );
  }
}

/**
 * Answers with server-sent events: the first frame, then every later one as it arrives; each one
 * translated by `dialect` when the route answers in another API's dialect.
 */
export function streamEvents(
  reply: FastifyReply,
  exchange: Exchange,
  first: Frame,
  dialect?: StreamDialect,
): void {
  reply.hijack();
  const res = reply.raw;
  // Headers set on the reply (x-request-id) are not applied to a hijacked response by fastify.
  res.writeHead(200, { ...(reply.getHeaders() as OutgoingHttpHeaders), ...SSE_HEADERS });
  const sse = createSseWriter(res);
  const deliver = dialect
    ? (event: ReplyEvent) => writeTranslated(sse, dialect, event)
    : (event: ReplyEvent) => write(sse, event);
  deliver(first);
  exchange.pipe(deliver);
}
