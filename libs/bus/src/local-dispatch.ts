import { headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';

/** A message handed from one part of this process to a stage of the same process, as NATS would deliver it. */
export interface LocalMessage {
  subject: string;
  data: Uint8Array;
  headers: MsgHdrs;
  reply: string | undefined;
}

/** A stage's way in: takes the message now and handles it later (never within the caller's call). */
export type LocalConsumer = (msg: LocalMessage) => void;

/** Per connection: the stages of this process by the exact subjects they consume. */
const registries = new WeakMap<NatsConnection, Map<string, LocalConsumer[]>>();

/**
 * `server.local_dispatch`: from now on, a stage started on this connection also takes messages
 * published through `publishOrDeliver` by this process directly, without a NATS round trip. Call
 * it before starting the stages. Without it every message goes through NATS, as between processes.
 */
export function enableLocalDispatch(nc: NatsConnection): void {
  if (!registries.has(nc)) registries.set(nc, new Map());
}

export const localDispatchEnabled = (nc: NatsConnection): boolean => registries.has(nc);

const isWildcard = (subject: string): boolean =>
  subject.split('.').some((token) => token === '*' || token === '>');

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
  const exact = subjects.filter((s) => !isWildcard(s));
  for (const subject of exact) registry.set(subject, [...(registry.get(subject) ?? []), consumer]);
  return () => {
    for (const subject of exact) {
      const rest = (registry.get(subject) ?? []).filter((c) => c !== consumer);
      if (rest.length > 0) registry.set(subject, rest);
      else registry.delete(subject);
    }
  };
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
 * Returns whether the message stayed in the process.
 */
export function publishOrDeliver(
  nc: NatsConnection,
  subject: string,
  data: Uint8Array,
  options: { reply?: string | undefined; headers: MsgHdrs },
  keepsHeaders = false,
): boolean {
  const consumer = registries.get(nc)?.get(subject)?.[0];
  if (consumer === undefined) {
    nc.publish(subject, data, options);
    return false;
  }
  const headers = keepsHeaders ? copyHeaders(options.headers) : options.headers;
  consumer({ subject, data, headers, reply: options.reply });
  return true;
}
