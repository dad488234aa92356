import { Headers } from '@switchyard/contracts';
import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import type { BusLogger } from './connect.js';
import { localRegistryOf, registerLocalEventSubscriber } from './local-dispatch.js';
import { natsHeaders } from './headers.js';

const encoder = new TextEncoder();

export interface EventSubscription {
  unsubscribe(): void;
  /** Takes no more events and returns once those already received are handled. */
  drain(): Promise<void>;
}

export interface SubscribeEventOptions {
  subject: string;
  /** With a queue group, one member of the group handles each event; without, every subscriber does. */
  queue?: string;
  log: BusLogger;
  /** Handles one event's bytes; a throw is logged, never breaks the subscription. */
  handle: (data: Uint8Array) => void;
}

interface PendingCopy {
  subject: string;
  data: Uint8Array;
  headers: MsgHdrs | undefined;
}

/**
 * NATS copies of events waiting for the end of this turn of the event loop, per events
 * connection. nats.js writes to its socket once per microtask checkpoint, so events published
 * from separate callbacks (every answer's completion arrives in its own) each cost a socket write;
 * sent together, the events of every request that finished in one turn share one.
 */
const pendingCopies = new Map<NatsConnection, PendingCopy[]>();

function sendCopies(eventsNc: NatsConnection): void {
  const copies = pendingCopies.get(eventsNc);
  if (copies === undefined) return;
  pendingCopies.delete(eventsNc);
  if (eventsNc.isClosed()) return;
  for (const { subject, data, headers } of copies) eventsNc.publish(subject, data, { headers });
}

function sendCopyLater(eventsNc: NatsConnection, copy: PendingCopy): void {
  const copies = pendingCopies.get(eventsNc);
  if (copies !== undefined) {
    copies.push(copy);
    return;
  }
  pendingCopies.set(eventsNc, [copy]);
  setImmediate(() => sendCopies(eventsNc));
}

/**
 * Publishes an event. With local dispatch on, this process's subscribers get it directly (one
 * member per queue group, each later, never within this call), and the copy through NATS, for
 * every other process, names the queue groups already served so their other members skip it;
 * copies go out together at the end of the event loop's turn (`flushEvents` sends them at once).
 * An event published just before a reply frame is handled by this process's subscribers first.
 */
export function publishEvent(nc: NatsConnection, subject: string, payload: string, headers?: MsgHdrs): void {
  const registry = localRegistryOf(nc);
  if (registry === undefined) {
    if (!nc.isClosed()) nc.publish(subject, payload, { headers });
    return;
  }
  const data = encoder.encode(payload);
  const served: string[] = [];
  for (const subscriber of registry.events.get(subject) ?? []) {
    if (subscriber.queue !== undefined) {
      if (served.includes(subscriber.queue)) continue;
      served.push(subscriber.queue);
    }
    queueMicrotask(() => subscriber.deliver(data));
  }
  let h = headers;
  if (served.length > 0) (h ??= natsHeaders()).set(Headers.takenBy, served.join(','));
  sendCopyLater(registry.eventsNc, { subject, data, headers: h });
}

/**
 * Sends the events still waiting to go through NATS, and waits until the server has them and
 * every event subscription made so far on `nc` (as `nc.flush()` does for others).
 */
export function flushEvents(nc: NatsConnection): Promise<void> {
  const eventsNc = localRegistryOf(nc)?.eventsNc;
  if (eventsNc === undefined) return nc.flush();
  sendCopies(eventsNc);
  return eventsNc.flush();
}

/** Whether a queue group's member in the publishing process took this event already. */
const takenBy = (headers: MsgHdrs | undefined, queue: string): boolean =>
  headers?.get(Headers.takenBy).split(',').includes(queue) ?? false;

/**
 * Subscribes to events published by `publishEvent`, from this process (directly, with local
 * dispatch on) and from every other (through NATS).
 */
export function subscribeEvent(nc: NatsConnection, options: SubscribeEventOptions): EventSubscription {
  const { subject, queue, log, handle } = options;
  const run = (data: Uint8Array): void => {
    try {
      handle(data);
    } catch (err) {
      log.error({ err, subject }, 'event handler failed');
    }
  };
  const sub = (localRegistryOf(nc)?.eventsNc ?? nc).subscribe(subject, {
    queue,
    callback: (err, msg) => {
      if (err) log.error({ err, subject }, 'event subscription error');
      else if (queue === undefined || !takenBy(msg.headers, queue)) run(msg.data);
    },
  });
  const unregister = registerLocalEventSubscriber(nc, subject, { queue, deliver: run });
  return {
    unsubscribe() {
      unregister?.();
      sub.unsubscribe();
    },
    drain() {
      unregister?.();
      return sub.drain();
    },
  };
}
