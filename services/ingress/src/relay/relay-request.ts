import type { FastifyReply } from 'fastify';
import { bodyLimitOf, claimCheckOf, publishOrDeliver, type Frame, type MsgHdrs } from '@switchyard/bus';
import {
  ANSWER_HEADER_PREFIX,
  FrameKinds,
  GatewayError,
  Subjects,
  isGatewayError,
} from '@switchyard/contracts';
import type { IngressContext } from '../context.js';
import { sendError, setRetryAfter } from '../send-error.js';
import { accountIngressError } from './account-ingress-error.js';
import { errorOfFrame, type ReplyDialect } from './dialect.js';
import { openExchange } from './exchange.js';
import { streamEvents } from './stream-events.js';

export interface BusRequest {
  subject: string;
  /** The caller's bytes, published as they came. */
  body: Uint8Array;
  headers: MsgHdrs;
  requestId: string;
  /** Epoch milliseconds. */
  deadline: number;
  /** Translates every reply frame into another API's dialect; without it frames pass as bytes. */
  dialect?: ReplyDialect | undefined;
}

/** What the stages asked to tell the caller (`sy-answer-x-ratelimit-…`) becomes HTTP headers. */
function setAnswerHeaders(reply: FastifyReply, frame: Frame): void {
  const h = frame.headers;
  if (h === undefined) return;
  for (const name of h.keys()) {
    if (name.startsWith(ANSWER_HEADER_PREFIX))
      reply.header(name.slice(ANSWER_HEADER_PREFIX.length), h.get(name));
  }
}

const toBuffer = (data: Uint8Array): Buffer => Buffer.from(data.buffer, data.byteOffset, data.byteLength);

function sendFrame(reply: FastifyReply, frame: Frame, dialect: ReplyDialect | undefined): FastifyReply {
  const status = frame.status;
  const valid = status !== undefined && Number.isInteger(status) && status >= 200 && status <= 599;
  const isError = frame.kind === FrameKinds.error;
  if (isError) setRetryAfter(reply, frame.retryAfterMs);
  let body: Buffer | string = toBuffer(frame.data);
  if (dialect) {
    try {
      body = isError
        ? JSON.stringify(dialect.errorBody(errorOfFrame(frame), reply.request.id))
        : dialect.response(frame.data);
    } catch (cause) {
      const err = isGatewayError(cause)
        ? cause
        : new GatewayError('upstream_error', 'The answer could not be translated.', { cause });
      return sendError(reply, err, dialect.errorBody);
    }
  }
  return reply
    .code(valid ? status : isError ? 502 : 200)
    .header('content-type', 'application/json')
    .send(body);
}

/**
 * Publishes one request to the bus and relays its reply frames: the first frame decides between a
 * JSON answer and a stream. A caller who leaves early gets its upstream work cancelled.
 */
export async function relayRequest(
  ctx: IngressContext,
  reply: FastifyReply,
  request: BusRequest,
): Promise<FastifyReply | undefined> {
  const { nc } = ctx;
  if (nc.isClosed())
    throw new GatewayError('unavailable', 'The gateway is not connected to its message bus.');
  // Larger than a NATS message may carry (within `server.body_limit_bytes`): sent by claim check.
  const payload =
    request.body.byteLength > bodyLimitOf(nc)
      ? await claimCheckOf(nc).put(request.body, request.headers)
      : request.body;

  const cancel = (): void => {
    if (!nc.isClosed()) nc.publish(Subjects.cancel, request.requestId);
  };
  const exchange = openExchange({ inbox: ctx.inbox, deadline: request.deadline, onAbandon: cancel });
  const res = reply.raw;
  let clientGone = false;
  res.once('close', () => {
    if (res.writableFinished) return;
    clientGone = true;
    if (!exchange.ended) cancel();
    exchange.close();
  });

  // Straight to policy when it runs in this process with local dispatch on; the headers are read again below.
  publishOrDeliver(nc, request.subject, payload, { reply: exchange.subject, headers: request.headers }, true);
  const first = await exchange.first;

  if (clientGone) {
    reply.hijack();
    return undefined;
  }
  if (isGatewayError(first)) {
    accountIngressError(nc, request.headers, first);
    return sendError(reply, first, request.dialect?.errorBody);
  }
  setAnswerHeaders(reply, first);
  if (first.kind === FrameKinds.response || first.kind === FrameKinds.error) {
    return sendFrame(reply, first, request.dialect);
  }
  streamEvents(reply, exchange, first, request.dialect?.stream(request.requestId));
  return undefined;
}
