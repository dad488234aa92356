import type { MsgHdrs } from '@switchyard/bus';
import {
  GatewayError,
  Ops,
  Subjects,
  parseChatRequest,
  parseEmbeddingsRequest,
  type Op,
} from '@switchyard/contracts';
import { toBusHeaders } from '../bus-headers.js';
import { readHttpMeta } from '../request-meta.js';
import type { RequestFrame } from './client-frame.js';

const LINE_BREAK = /[\r\n]/;

export interface WsBusRequest {
  subject: string;
  body: Uint8Array;
  headers: MsgHdrs;
  /** Epoch milliseconds. */
  deadline: number;
}

export interface WsRequestMeta {
  requestId: string;
  /** Epoch milliseconds. */
  receivedAt: number;
  /** The socket's `Bearer <key>`: policy authenticates every request with it. */
  authorization: string;
  timeoutMs: number;
}

/** Validates a body as its HTTP route does; returns the model and stream flag the headers need. */
function validate(op: Op, body: unknown): { model: string; stream: boolean } {
  if (body === undefined) {
    throw new GatewayError('invalid_request', "A 'request' frame needs a 'body': the OpenAI request.", {
      param: 'body',
    });
  }
  const request = op === Ops.embeddings ? parseEmbeddingsRequest(body) : parseChatRequest(body);
  // The model travels in a NATS header, where a line break cannot go.
  if (LINE_BREAK.test(request.model)) {
    throw new GatewayError('invalid_request', "Invalid value for 'model': it contains a line break.", {
      param: 'model',
    });
  }
  return { model: request.model, stream: 'stream' in request && request.stream === true };
}

/**
 * A request frame as the message the HTTP route would publish: the same validation, the same
 * headers (the frame's own `headers` stand for the HTTP request's). Throws a GatewayError.
 */
export function toWsBusRequest(frame: RequestFrame, meta: WsRequestMeta): WsBusRequest {
  const { model, stream } = validate(frame.op, frame.body);
  const http = readHttpMeta(frame.headers, meta.receivedAt, meta.timeoutMs);
  const headers = toBusHeaders({
    ...http,
    authorization: meta.authorization,
    requestId: meta.requestId,
    op: frame.op,
    receivedAt: meta.receivedAt,
    model,
    stream,
  });
  return {
    subject: Subjects.validatedEntry(frame.op),
    // The body arrived inside the frame's JSON, so unlike HTTP's it has to be written out again.
    body: Buffer.from(JSON.stringify(frame.body)),
    headers,
    deadline: http.deadline,
  };
}
