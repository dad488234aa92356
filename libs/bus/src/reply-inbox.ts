import { createInbox, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { GatewayError, Headers, isGatewayError, toGatewayError } from '@switchyard/contracts';
import { claimCheckOf } from './claim-check.js';
import { decodeFrame, type Frame } from './frame.js';
import { registerLocalInbox, type LocalMessage } from './local-dispatch.js';

export type FrameHandler = (frame: Frame | GatewayError) => void;

export interface ReplyInbox {
  /** A reply subject for one request; frames for it go to `onFrame` until `close()`. */
  open(onFrame: FrameHandler): { subject: string; close(): void };
  stop(): void;
}

/** A reply frame as NATS delivered it, or as a replier of this process handed it over. */
type Incoming = Pick<Msg, 'subject' | 'data' | 'headers'> | LocalMessage;

/** A claim-checked frame with its body read back (and the object deleted: nobody else reads it). */
async function resolveFrame(nc: NatsConnection, msg: Incoming): Promise<Frame | GatewayError> {
  const frame = decodeFrame(msg);
  if (isGatewayError(frame)) return frame;
  const ref = msg.headers!.get(Headers.bodyRef);
  try {
    const body = await claimCheckOf(nc).get(ref);
    if (body === undefined) {
      return new GatewayError('upstream_error', 'A large answer was lost before it could be read.');
    }
    void claimCheckOf(nc).delete(ref);
    return { ...frame, data: body };
  } catch (err) {
    return toGatewayError(err);
  }
}

/**
 * One wildcard subscription serves the replies of every request this process makes: opening a
 * reply subject costs a map entry, not a SUB round trip to the server. A frame whose body came by
 * claim check is delivered once its body is read, and the request's later frames wait behind it.
 */
export function createReplyInbox(nc: NatsConnection): ReplyInbox {
  const prefix = createInbox();
  const handlers = new Map<string, FrameHandler>();
  /** Per reply subject: the claim-checked frame being read, which later frames wait for. */
  const reading = new Map<string, Promise<void>>();
  let next = 0;

  const take = (msg: Incoming): void => {
    const waiting = reading.get(msg.subject);
    if (waiting === undefined && !msg.headers?.get(Headers.bodyRef)) {
      handlers.get(msg.subject)?.(decodeFrame(msg));
      return;
    }
    const read = (waiting ?? Promise.resolve())
      .then(() => (msg.headers?.get(Headers.bodyRef) ? resolveFrame(nc, msg) : decodeFrame(msg)))
      .then((frame) => handlers.get(msg.subject)?.(frame));
    reading.set(msg.subject, read);
    void read.finally(() => {
      if (reading.get(msg.subject) === read) reading.delete(msg.subject);
    });
  };
  const sub: Subscription = nc.subscribe(`${prefix}.*`, {
    callback: (err, msg) => {
      if (!err) take(msg);
    },
  });
  // With local dispatch, frames from a replier of this process come straight here, each in a later
  // microtask (in order), as NATS would deliver them.
  const unregisterLocal = registerLocalInbox(nc, prefix, (msg) => queueMicrotask(() => take(msg)));

  return {
    open(onFrame) {
      const subject = `${prefix}.${(next++).toString(36)}`;
      handlers.set(subject, onFrame);
      return { subject, close: () => handlers.delete(subject) };
    },
    stop() {
      unregisterLocal?.();
      handlers.clear();
      sub.unsubscribe();
    },
  };
}
