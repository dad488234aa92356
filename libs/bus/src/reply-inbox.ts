import { createInbox, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { GatewayError } from '@switchyard/contracts';
import { decodeFrame, type Frame } from './frame.js';

export type FrameHandler = (frame: Frame | GatewayError) => void;

export interface ReplyInbox {
  /** A reply subject for one request; frames for it go to `onFrame` until `close()`. */
  open(onFrame: FrameHandler): { subject: string; close(): void };
  stop(): void;
}

/**
 * One wildcard subscription serves the replies of every request this process makes: opening a
 * reply subject costs a map entry, not a SUB round trip to the server.
 */
export function createReplyInbox(nc: NatsConnection): ReplyInbox {
  const prefix = createInbox();
  const handlers = new Map<string, FrameHandler>();
  let next = 0;

  const sub: Subscription = nc.subscribe(`${prefix}.*`, {
    callback: (err, msg) => {
      if (err) return;
      handlers.get(msg.subject)?.(decodeFrame(msg));
    },
  });

  return {
    open(onFrame) {
      const subject = `${prefix}.${(next++).toString(36)}`;
      handlers.set(subject, onFrame);
      return { subject, close: () => handlers.delete(subject) };
    },
    stop() {
      handlers.clear();
      sub.unsubscribe();
    },
  };
}
