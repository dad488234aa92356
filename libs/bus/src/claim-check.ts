import { randomUUID } from 'node:crypto';
import { Objm, StorageType, type ObjectStore } from '@nats-io/obj';
import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { BODY_BUCKET, GatewayError, Headers } from '@switchyard/contracts';
import { openWithReplicas } from '@switchyard/store';

/**
 * An object left behind (a process died mid-request) is removed by the server after this. Longer
 * than the default `server.request_timeout_ms` (10 minutes) with a wide margin: a body is read again
 * when a failed attempt goes to another deployment, which may be late in a request's life.
 */
export const BODY_MAX_AGE_MS = 60 * 60 * 1000;

/** Room left for a message's headers (traceparent, signature, a failed attempt's error body) under `max_payload`. */
const HEADER_ROOM = 64 * 1024;

const EMPTY = new Uint8Array(0);

/**
 * The largest body a message carries itself on this connection; a larger one goes by claim check.
 * Without server info (not connected yet) nothing is claim-checked.
 */
export function bodyLimitOf(nc: NatsConnection): number {
  const max = nc.info?.max_payload;
  if (max === undefined) return Infinity;
  return Math.max(max - HEADER_ROOM, Math.floor(max / 2));
}

/** The message's body is in the object store: a header presence check, nothing more. */
export const hasBodyRef = (h: MsgHdrs | undefined): boolean => !!h?.get(Headers.bodyRef);

export interface ClaimCheck {
  /**
   * Stores `body`, sets `sy-body-ref` and `sy-body-bytes` on `headers`, and returns the payload to
   * publish in its place (empty).
   */
  put(body: Uint8Array, headers: MsgHdrs): Promise<Uint8Array>;
  /** The bytes a reference stands for; undefined when the object is gone (expired, deleted, never there). */
  get(ref: string): Promise<Uint8Array | undefined>;
  /** Removes the object; never rejects: a failure only leaves it to expire. Callers need not wait. */
  delete(ref: string): Promise<void>;
}

/**
 * A request's body: `data` itself, or, when it travelled by claim check, the stored bytes. A
 * reference to nothing is the caller's 400. For stages that read the body only sometimes (policy's
 * token estimate); the others declare `readsBody` and get it before their handler runs.
 */
export async function bodyOf(nc: NatsConnection, headers: MsgHdrs, data: Uint8Array): Promise<Uint8Array> {
  if (!hasBodyRef(headers)) return data;
  const body = await claimCheckOf(nc).get(headers.get(Headers.bodyRef));
  if (body !== undefined) return body;
  throw new GatewayError(
    'invalid_request',
    `The request body referenced by '${Headers.bodyRef}' does not exist: it expired, was already used, or was never stored.`,
    { param: Headers.bodyRef },
  );
}

/** `<bucket>/<name>` of our bucket; anything else (another bucket, no name) is no reference of ours. */
function objectName(ref: string): string | undefined {
  const slash = ref.indexOf('/');
  if (slash < 0 || ref.slice(0, slash) !== BODY_BUCKET) return undefined;
  const name = ref.slice(slash + 1);
  return name === '' ? undefined : name;
}

const byConnection = new WeakMap<NatsConnection, ClaimCheck>();

/**
 * Sets up a connection's claim check with its bucket's replicas (`jetstream.replicas`), before
 * anything uses it: `connectBus` does, so every stage of a service shares the setting.
 */
export function useClaimCheck(nc: NatsConnection, { replicas }: { replicas: number }): void {
  byConnection.set(nc, createClaimCheck(nc, replicas));
}

/** The claim check of a connection: one per connection, its bucket opened (or created) on first use. */
export function claimCheckOf(nc: NatsConnection): ClaimCheck {
  let cc = byConnection.get(nc);
  if (cc === undefined) {
    cc = createClaimCheck(nc, 1);
    byConnection.set(nc, cc);
  }
  return cc;
}

function createClaimCheck(nc: NatsConnection, replicas: number): ClaimCheck {
  let bucket: Promise<ObjectStore> | undefined;
  // Created when missing, bound when present (`create` checks first): whichever process needs it first.
  const open = (): Promise<ObjectStore> => {
    bucket ??= openWithReplicas(nc, `OBJ_${BODY_BUCKET}`, replicas, () =>
      new Objm(nc).create(BODY_BUCKET, {
        ttl: BODY_MAX_AGE_MS * 1_000_000,
        storage: StorageType.File,
        replicas,
        description: 'Switchyard: request and answer bodies too large for a NATS message',
      }),
    ).catch((err: unknown) => {
      bucket = undefined; // the next request tries again (JetStream may be back)
      throw err;
    });
    return bucket;
  };

  return {
    async put(body, headers) {
      const name = randomUUID();
      try {
        await (await open()).putBlob({ name }, body);
      } catch (cause) {
        throw new GatewayError(
          'unavailable',
          'The gateway could not store a large body for its message bus.',
          {
            cause,
          },
        );
      }
      headers.set(Headers.bodyRef, `${BODY_BUCKET}/${name}`);
      headers.set(Headers.bodyBytes, String(body.byteLength));
      return EMPTY;
    },
    async get(ref) {
      const name = objectName(ref);
      if (name === undefined) return undefined;
      try {
        return (await (await open()).getBlob(name)) ?? undefined;
      } catch (cause) {
        throw new GatewayError(
          'unavailable',
          'The gateway could not read a large body from its message bus.',
          {
            cause,
          },
        );
      }
    },
    async delete(ref) {
      const name = objectName(ref);
      if (name === undefined || nc.isClosed()) return;
      await open()
        .then((store) => store.delete(name))
        .catch(() => undefined);
    },
  };
}
