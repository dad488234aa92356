import type { Msg, MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import {
  FrameKinds,
  GatewayError,
  Headers,
  Subjects,
  fromOpenAIErrorBody,
  isFrameKind,
  isTerminalFrame,
  toGatewayError,
  toOpenAIErrorBody,
  type FrameKind,
} from '@switchyard/contracts';
import type { ClientClaimCheck } from './claim-check.js';
import type { ReplyInbox } from './reply-inbox.js';
import { SwitchyardError, toSwitchyardError } from './switchyard-error.js';

/** A frame that is not an error (an error frame becomes a thrown SwitchyardError). */
export interface ReplyFrame {
  kind: Exclude<FrameKind, 'error'>;
  data: Uint8Array;
}

export interface SendOptions {
  nc: NatsConnection;
  inbox: ReplyInbox;
  subject: string;
  body: Uint8Array;
  headers: MsgHdrs;
  /** Sends a body too large for a message, and reads an answer that came that way. */
  claimCheck: ClientClaimCheck;
  requestId: string;
  /** Epoch milliseconds: past it (and a short grace) the client gives up and cancels. */
  deadline: number;
  signal?: AbortSignal | undefined;
}

export interface Reply {
  /** The next frame, in order; rejects with a SwitchyardError when the reply failed. */
  next(): Promise<ReplyFrame>;
  /** Stops listening; a reply not yet complete has its upstream work cancelled. Idempotent. */
  close(): void;
}

/** The gateway's own deadline answer (a 504 error frame) beats the client's timer by this much. */
const DEADLINE_GRACE_MS = 100;
/** NATS "no responders": nobody consumes the entry subject, i.e. no policy service is running. */
const NO_RESPONDERS = 503;

function errorOfFrame(msg: Msg, requestId: string): SwitchyardError {
  const h = msg.headers!;
  let body: unknown;
  try {
    body = msg.json();
  } catch {
    body = undefined;
  }
  const code = h.get(Headers.errorCode);
  const retryAfter = Number(h.get(Headers.retryAfterMs) || NaN);
  const retryAfterMs = Number.isFinite(retryAfter) ? retryAfter : undefined;
  const err = fromOpenAIErrorBody(code, body, retryAfterMs);
  const status = Number(h.get(Headers.status));
  return new SwitchyardError({
    status: Number.isInteger(status) && status >= 400 ? status : err.status,
    code: code || err.code,
    body: toOpenAIErrorBody(err),
    retryAfterMs,
    requestId,
  });
}

/**
 * Publishes one request with a reply subject and reads its frames as the gateway's own ingress
 * does: in sequence (core NATS may drop a message, so a gap fails the reply), up to the deadline,
 * cancelling the upstream work whenever the client gives up before the last frame.
 */
export function sendRequest(options: SendOptions): Reply {
  const { nc, requestId, signal } = options;
  const queue: (ReplyFrame | SwitchyardError)[] = [];
  let waiter: { resolve(frame: ReplyFrame): void; reject(err: SwitchyardError): void } | undefined;
  let ended = false;
  let expectedSeq = 0;

  const push = (event: ReplyFrame | SwitchyardError): void => {
    if (!waiter) return void queue.push(event);
    const w = waiter;
    waiter = undefined;
    if (event instanceof SwitchyardError) w.reject(event);
    else w.resolve(event);
  };
  const cancel = (): void => {
    if (!nc.isClosed()) nc.publish(Subjects.cancel, requestId);
  };
  // Runs only from callbacks, once `entry` and `timer` below exist.
  const end = (): void => {
    ended = true;
    clearTimeout(timer);
    entry.close();
    signal?.removeEventListener('abort', onAbort);
  };
  const fail = (err: GatewayError, cancelUpstream: boolean): void => {
    if (ended) return;
    end();
    if (cancelUpstream) cancel();
    push(toSwitchyardError(err, requestId));
  };
  const onAbort = (): void =>
    fail(new GatewayError('cancelled', 'The request was cancelled by the caller.'), true);

  const onFrame = (msg: Msg, data: Uint8Array = msg.data): void => {
    if (ended) return;
    const kind = msg.headers?.get(Headers.frame);
    if (!isFrameKind(kind)) {
      if (msg.headers?.code === NO_RESPONDERS) {
        return fail(
          new GatewayError(
            'unavailable',
            'The gateway is not accepting requests: no policy service is running.',
          ),
          false,
        );
      }
      return fail(new GatewayError('internal', 'Received a malformed reply frame.'), true);
    }
    if (Number(msg.headers!.get(Headers.seq)) !== expectedSeq++) {
      return fail(
        new GatewayError(
          'upstream_error',
          `Part of the answer was lost on its way (frame ${expectedSeq - 1} is missing).`,
        ),
        true,
      );
    }
    if (isTerminalFrame(kind)) end();
    push(kind === FrameKinds.error ? errorOfFrame(msg, requestId) : { kind, data });
  };
  /** A claim-checked frame being read: later frames wait behind it, so they keep their order. */
  let reading: Promise<void> | undefined;
  const entry = options.inbox.open((msg) => {
    if (reading === undefined && !msg.headers?.get(Headers.bodyRef)) return onFrame(msg);
    const read = (reading ?? Promise.resolve()).then(async () => {
      const ref = msg.headers?.get(Headers.bodyRef);
      if (!ref || ended) return onFrame(msg);
      try {
        onFrame(msg, await options.claimCheck.incoming(ref));
      } catch (err) {
        fail(toGatewayError(err), true);
      }
    });
    reading = read;
    void read.finally(() => {
      if (reading === read) reading = undefined;
    });
  });
  const timer = setTimeout(
    () => fail(new GatewayError('timeout', 'The request timed out before the answer was complete.'), true),
    Math.max(0, options.deadline - Date.now()) + DEADLINE_GRACE_MS,
  );
  const publish = (payload: Uint8Array): void => {
    if (!ended && !nc.isClosed())
      nc.publish(options.subject, payload, { reply: entry.subject, headers: options.headers });
  };
  if (signal?.aborted) onAbort();
  else {
    signal?.addEventListener('abort', onAbort, { once: true });
    const { body, headers, claimCheck } = options;
    // Larger than a NATS message may carry: the body goes by claim check (docs/nats-api.md).
    if (claimCheck.fits(body.byteLength)) publish(body);
    else claimCheck.put(body, headers).then(publish, (err: unknown) => fail(toGatewayError(err), false));
  }

  return {
    next() {
      const event = queue.shift();
      if (event instanceof SwitchyardError) return Promise.reject(event);
      if (event) return Promise.resolve(event);
      return new Promise((resolve, reject) => (waiter = { resolve, reject }));
    },
    close() {
      if (ended) return;
      end();
      cancel();
    },
  };
}
