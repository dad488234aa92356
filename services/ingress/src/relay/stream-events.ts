import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { Frame } from '@switchyard/bus';
import { FrameKinds, GatewayError, isGatewayError, toOpenAIErrorBody } from '@switchyard/contracts';
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
      sse.event(
        errorPayload(
          new GatewayError('upstream_error', 'The answer turned from a stream into a whole response.'),
        ),
      );
      sse.end();
      return;
  }
}

/** Answers with server-sent events: the first frame, then every later one as it arrives. */
export function streamEvents(reply: FastifyReply, exchange: Exchange, first: Frame): void {
  reply.hijack();
  const res = reply.raw;
  // Headers set on the reply (x-request-id) are not applied to a hijacked response by fastify.
  res.writeHead(200, { ...(reply.getHeaders() as OutgoingHttpHeaders), ...SSE_HEADERS });
  const sse = createSseWriter(res);
  write(sse, first);
  exchange.pipe((event) => write(sse, event));
}
