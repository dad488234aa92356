import { createInbox, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';

export interface ReplyInbox {
  /** A reply subject for one request; its messages go to `onMessage` until `close()`. */
  open(onMessage: (msg: Msg) => void): { subject: string; close(): void };
  stop(): void;
}

/**
 * One wildcard subscription, made on first use, serves every reply of a client: a request costs a
 * map entry, not a subscription of its own.
 */
export function createReplyInbox(nc: NatsConnection, inboxPrefix?: string): ReplyInbox {
  const prefix = createInbox(inboxPrefix);
  const handlers = new Map<string, (msg: Msg) => void>();
  let sub: Subscription | undefined;
  let next = 0;
  return {
    open(onMessage) {
      sub ??= nc.subscribe(`${prefix}.*`, {
        callback: (err, msg) => {
          if (!err) handlers.get(msg.subject)?.(msg);
        },
      });
      const subject = `${prefix}.${(next++).toString(36)}`;
      handlers.set(subject, onMessage);
      return { subject, close: () => handlers.delete(subject) };
    },
    stop() {
      handlers.clear();
      sub?.unsubscribe();
      sub = undefined;
    },
  };
}
