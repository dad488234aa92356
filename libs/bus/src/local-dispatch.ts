import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { connectBus, type ConnectBusOptions } from './connect.js';
import { natsHeaders } from './headers.js';

/** A message handed from one part of this process to another, as NATS would deliver it. */
export interface LocalMessage {
  subject: string;
  data: Uint8Array;
  headers: MsgHdrs;
  reply: string | undefined;
  /** A stage of this process signed or checked the request's policy signature (see `startStage`). */
  trusted?: boolean;
}

/** A way in for local messages: takes the message now and handles it later (never within the caller's call). */
export type LocalConsumer = (msg: LocalMessage) => void;

/** An event subscriber of this process; with a queue group, one member per group takes each event. */
export interface LocalEventSubscriber {
  queue: string | undefined;
  deliver: (data: Uint8Array) => void;
}

/** What this process can hand over without NATS, per connection. */
interface LocalRegistry {
  /** Stages by the exact subjects they consume. */
  stages: Map<string, LocalConsumer[]>;
  /** Reply inboxes by prefix (a reply subject is `<prefix>.<id>`). */
  inboxes: Map<string, LocalConsumer>;
  /** Event subscribers by subject. */
  events: Map<string, LocalEventSubscriber[]>;
  /**
   * The connection events are published and subscribed on. It does not echo: an event this
   * process publishes reaches its own subscribers directly, never a second time through NATS.
   */
  eventsNc: NatsConnection;
}

const registries = new WeakMap<NatsConnection, LocalRegistry>();

/**
 * `server.local_dispatch`: from now on, the stages, reply inboxes and event subscribers of this
 * process started on `nc` take what this process sends them directly, without a NATS round trip;
 * everything still reaches other processes through NATS. `events` is a second connection to the
 * same NATS, opened with `noEcho`. Call it before starting the services.
 */
export function enableLocalDispatch(nc: NatsConnection, events: NatsConnection): void {
  if (!registries.has(nc))
    registries.set(nc, { stages: new Map(), inboxes: new Map(), events: new Map(), eventsNc: events });
}

/**
 * Opens the events connection (`<name>-events`, no echo) beside `nc` and turns local dispatch on.
 * Returns the events connection, for the caller to drain after `nc` when it stops.
 */
export async function startLocalDispatch(
  nc: NatsConnection,
  options: Omit<ConnectBusOptions, 'noEcho'>,
): Promise<NatsConnection> {
  const events = await connectBus({ ...options, name: `${options.name}-events`, noEcho: true });
  enableLocalDispatch(nc, events);
  return events;
}

/** For this library's event and reply helpers; undefined when local dispatch is off. */
export const localRegistryOf = (nc: NatsConnection): LocalRegistry | undefined => registries.get(nc);

const isWildcard = (subject: string): boolean =>
  subject.split('.').some((token) => token === '*' || token === '>');

/** Adds `item` under `key` of a list map; returns its removal. */
function addTo<T>(map: Map<string, T[]>, key: string, item: T): () => void {
  map.set(key, [...(map.get(key) ?? []), item]);
  return () => {
    const rest = (map.get(key) ?? []).filter((i) => i !== item);
    if (rest.length > 0) map.set(key, rest);
    else map.delete(key);
  };
}

/**
 * Registers a stage for the subjects it consumes (exact ones only: a wildcard subscription keeps
 * taking its messages from NATS). Returns the unregistration, or undefined when local dispatch is off.
 */
export function registerLocalConsumer(
  nc: NatsConnection,
  subjects: readonly string[],
  consumer: LocalConsumer,
): (() => void) | undefined {
  const registry = registries.get(nc);
  if (registry === undefined) return undefined;
  const removals = subjects.filter((s) => !isWildcard(s)).map((s) => addTo(registry.stages, s, consumer));
  return () => removals.forEach((remove) => remove());
}

/** Registers a reply inbox (`<prefix>.*`); returns the unregistration, or undefined when local dispatch is off. */
export function registerLocalInbox(
  nc: NatsConnection,
  prefix: string,
  consumer: LocalConsumer,
): (() => void) | undefined {
  const registry = registries.get(nc);
  if (registry === undefined) return undefined;
  registry.inboxes.set(prefix, consumer);
  return () => registry.inboxes.delete(prefix);
}

/** Registers an event subscriber; returns the unregistration, or undefined when local dispatch is off. */
export function registerLocalEventSubscriber(
  nc: NatsConnection,
  subject: string,
  subscriber: LocalEventSubscriber,
): (() => void) | undefined {
  const registry = registries.get(nc);
  return registry === undefined ? undefined : addTo(registry.events, subject, subscriber);
}

function copyHeaders(source: MsgHdrs): MsgHdrs {
  const copy = natsHeaders();
  for (const name of source.keys()) for (const value of source.values(name)) copy.append(name, value);
  return copy;
}

/**
 * Publishes a request on `subject`, or, when a running stage of this process consumes it and local
 * dispatch is on, hands it to that stage: same bytes, same reply subject, and the headers object
 * itself (the receiving stage's changes are made to it, as they are to a decoded copy over NATS).
 * A sender that still reads its headers afterwards passes `keepsHeaders`: the stage gets a copy.
 * `trusted` goes with a local hand-off only.
 * Returns whether the message stayed in the process.
 */
export function publishOrDeliver(
  nc: NatsConnection,
  subject: string,
  data: Uint8Array,
  options: { reply?: string | undefined; headers: MsgHdrs; trusted?: boolean },
  keepsHeaders = false,
): boolean {
  const { reply, headers, trusted } = options;
  const consumer = registries.get(nc)?.stages.get(subject)?.[0];
  if (consumer === undefined) {
    // Through NATS nothing is trusted: the next stage checks the signature itself.
    nc.publish(subject, data, { reply, headers });
    return false;
  }
  consumer({ subject, data, headers: keepsHeaders ? copyHeaders(headers) : headers, reply, trusted });
  return true;
}

/** Whether a reply subject belongs to a reply inbox of this process (local dispatch on). */
export const isLocalReply = (nc: NatsConnection, reply: string): boolean =>
  registries.get(nc)?.inboxes.has(reply.slice(0, reply.lastIndexOf('.'))) ?? false;

/**
 * Sends a reply frame: to a reply inbox of this process directly when local dispatch is on (in
 * order: every frame of a reply takes the same way), through NATS otherwise.
 */
export function replyOrDeliver(nc: NatsConnection, reply: string, data: Uint8Array, headers: MsgHdrs): void {
  const inbox = registries.get(nc)?.inboxes.get(reply.slice(0, reply.lastIndexOf('.')));
  if (inbox === undefined) nc.publish(reply, data, { headers });
  else inbox({ subject: reply, data, headers, reply: undefined });
}
