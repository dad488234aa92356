import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import {
  bodyLimitOf,
  claimCheckOf,
  completedEvent,
  publishCompleted,
  publishOrDeliver,
  type MsgHdrs,
} from '@switchyard/bus';
import {
  GatewayError,
  Headers,
  Subjects,
  isGatewayError,
  isTerminalFrame,
  toGatewayError,
} from '@switchyard/contracts';
import { toBusHeaders } from '../bus-headers.js';
import type { IngressContext } from '../context.js';
import { accountIngressError } from '../relay/account-ingress-error.js';
import { openExchange, type Exchange, type ReplyEvent } from '../relay/exchange.js';
import { toWsBusRequest } from './bus-request.js';
import type { ClientFrame, RequestFrame, RequestId } from './client-frame.js';
import { answerHeaders, errorFrame, toServerFrame, type ServerFrame } from './server-frame.js';

interface Running {
  requestId: string;
  headers: MsgHdrs;
  exchange: Exchange;
  /** Set once the client has had the request's last frame: later events are dropped. */
  ended: boolean;
  /** The first frame sent carries the answer's headers; later ones do not. */
  headersSent: boolean;
}

export interface WsSession {
  /** Handles one frame of the client's (an `auth` frame here is a second one: refused). */
  receive(frame: ClientFrame): void;
  /** Refuses new requests from now on; resolves once none is running. */
  drain(): Promise<void>;
  /** Ends every running request and cancels its upstream work; tells the client `err` when given. */
  cancelAll(err?: GatewayError): void;
}

/**
 * The requests of one authenticated WebSocket, multiplexed by the client's ids. Each goes through
 * the pipeline exactly as an HTTP request does; its reply frames are forwarded as they arrive.
 *
 * Backpressure: a frame is written only while less than `ws_high_water_bytes` waits unsent for
 * this client; past that, the request the frame belongs to is cancelled with an error frame, and
 * the socket is not read (no new requests) until what is queued has been written. Reply frames
 * arrive from NATS at the pipeline's pace and cannot be paused, so memory per socket stays bounded
 * only by giving up on requests the client cannot keep up with.
 *
 * At most `ws_max_in_flight` requests run at once per socket; one more is answered with a 429
 * error frame of its id, and the others go on.
 */
export function createWsSession(ctx: IngressContext, socket: WebSocket, authorization: string): WsSession {
  const { nc } = ctx;
  const {
    request_timeout_ms: timeoutMs,
    ws_high_water_bytes: highWater,
    ws_max_in_flight: maxInFlight,
  } = ctx.config.server;
  const running = new Map<RequestId, Running>();
  let draining = false;
  let drained: (() => void) | undefined;

  const resumeIfWritten = (): void => {
    if (socket.isPaused && socket.bufferedAmount <= highWater) socket.resume();
  };
  // While reading is paused, every frame's write callback checks whether the queue has emptied:
  // the last one's runs once everything before it is written.
  const send = (frame: ServerFrame): void => {
    if (socket.readyState !== WebSocket.OPEN) return;
    socket.send(frame, { binary: false }, socket.isPaused ? resumeIfWritten : undefined);
  };

  const headersOnce = (r: Running, event?: ReplyEvent): Record<string, string> | undefined => {
    if (r.headersSent) return undefined;
    r.headersSent = true;
    return answerHeaders(r.requestId, event === undefined || isGatewayError(event) ? undefined : event);
  };

  const finish = (id: RequestId, r: Running): void => {
    r.ended = true;
    running.delete(id);
    if (running.size === 0) drained?.();
  };

  /** Ends a request before its answer is complete: the upstream work is cancelled. */
  const abort = (id: RequestId, r: Running, err: GatewayError | undefined): void => {
    finish(id, r);
    if (!r.exchange.ended && !nc.isClosed()) nc.publish(Subjects.cancel, r.requestId);
    r.exchange.close();
    if (err) send(errorFrame(id, err, headersOnce(r)));
  };

  const tooManyInFlight = new GatewayError(
    'rate_limited',
    `Too many requests running on this WebSocket: at most ${maxInFlight} at once. Send it again once one of them has ended.`,
  );

  const tooSlow = new GatewayError(
    'cancelled',
    `The request was cancelled: the client is reading its WebSocket too slowly (over ${highWater} bytes were waiting to be sent).`,
  );

  const deliver = (id: RequestId, r: Running, event: ReplyEvent): void => {
    if (r.ended) return;
    if (socket.bufferedAmount > highWater) {
      socket.pause();
      abort(id, r, tooSlow);
      return;
    }
    if (isGatewayError(event)) {
      finish(id, r);
      accountIngressError(nc, r.headers, event);
      send(errorFrame(id, event, headersOnce(r)));
      return;
    }
    if (isTerminalFrame(event.kind)) finish(id, r);
    send(toServerFrame(id, event, headersOnce(r, event)));
  };

  const start = (frame: RequestFrame): void => {
    const { id } = frame;
    if (running.has(id)) {
      // Without an id: the running request of that id goes on, and this error must not end it.
      const err = new GatewayError(
        'conflict',
        `A request with id ${JSON.stringify(id)} is still running on this socket: ids must be unique among running requests.`,
        { param: 'id' },
      );
      send(errorFrame(undefined, err));
      return;
    }
    const requestId = randomUUID();
    const receivedAt = Date.now();
    let request;
    try {
      if (draining) throw new GatewayError('unavailable', 'The gateway is shutting down.');
      // One socket may not flood the pipeline: a request past the cap is refused, not queued.
      if (running.size >= maxInFlight) throw tooManyInFlight;
      request = toWsBusRequest(frame, { requestId, receivedAt, authorization, timeoutMs });
      if (nc.isClosed())
        throw new GatewayError('unavailable', 'The gateway is not connected to its message bus.');
    } catch (cause) {
      // Refused before reaching the bus: no stage will count it, so the ingress does.
      const err = toGatewayError(cause);
      const headers = toBusHeaders({ requestId, op: frame.op, receivedAt });
      publishCompleted(nc, completedEvent(headers, { status: err.status, errorCode: err.code }));
      send(errorFrame(id, err, answerHeaders(requestId)));
      return;
    }
    const exchange = openExchange({
      inbox: ctx.inbox,
      deadline: request.deadline,
      onAbandon: () => {
        if (!nc.isClosed()) nc.publish(Subjects.cancel, requestId);
      },
    });
    const r: Running = { requestId, headers: request.headers, exchange, ended: false, headersSent: false };
    running.set(id, r);
    const { subject, body, headers } = request;
    const publish = (payload: Uint8Array): void => {
      if (nc.isClosed()) return;
      if (!r.ended) publishOrDeliver(nc, subject, payload, { reply: exchange.subject, headers }, true);
      // Cancelled while its body was being stored: nobody will read it.
      else void claimCheckOf(nc).delete(headers.get(Headers.bodyRef));
    };
    if (body.byteLength <= bodyLimitOf(nc)) publish(body);
    else {
      // Larger than a NATS message may carry: sent by claim check.
      claimCheckOf(nc)
        .put(body, headers)
        .then(publish, (cause: unknown) => {
          if (r.ended) return;
          const err = toGatewayError(cause);
          finish(id, r);
          r.exchange.close();
          publishCompleted(nc, completedEvent(headers, { status: err.status, errorCode: err.code }));
          send(errorFrame(id, err, headersOnce(r)));
        });
    }
    void exchange.first.then((event) => {
      deliver(id, r, event);
      exchange.pipe((next) => deliver(id, r, next));
    });
  };

  return {
    receive(frame) {
      switch (frame.type) {
        case 'request':
          return start(frame);
        case 'cancel': {
          // A cancel that crosses the request's last frame finds nothing to cancel: not an error.
          const r = running.get(frame.id);
          if (r)
            abort(frame.id, r, new GatewayError('cancelled', 'The request was cancelled by the caller.'));
          return;
        }
        case 'auth':
          return send(
            errorFrame(
              undefined,
              new GatewayError('invalid_request', 'This socket is authenticated already.', { param: 'type' }),
            ),
          );
        case 'invalid':
          // An id still running belongs to that request: the error is sent without it.
          return send(errorFrame(running.has(frame.id ?? '') ? undefined : frame.id, frame.error));
      }
    },
    drain() {
      draining = true;
      if (running.size === 0) return Promise.resolve();
      return new Promise((resolve) => (drained = resolve));
    },
    cancelAll(err) {
      for (const [id, r] of running) abort(id, r, err);
    },
  };
}
