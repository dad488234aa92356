import { randomUUID } from 'node:crypto';
import { Objm, StorageType, type ObjectStore } from '@nats-io/obj';
import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { BODY_BUCKET, GatewayError, Headers } from '@switchyard/contracts';

/** Room left for a message's headers under the server's `max_payload`, as the gateway leaves. */
const HEADER_ROOM = 64 * 1024;
/** The gateway's own setting for the bucket, used should this client be the first to need it. */
const BODY_MAX_AGE_MS = 60 * 60 * 1000;
const EMPTY = new Uint8Array(0);

/**
 * The client's side of the claim check (docs/nats-api.md): a body larger than a NATS message may
 * carry goes to the gateway's object store bucket and the message references it; an answer that
 * came the same way is read back and deleted.
 */
export interface ClientClaimCheck {
  /** A message can carry a body of this many bytes itself. */
  fits(bytes: number): boolean;
  /** Stores `body`, sets `sy-body-ref` on `headers`, and returns the (empty) payload to publish. */
  put(body: Uint8Array, headers: MsgHdrs): Promise<Uint8Array>;
  /** The answer's body a reply frame references; throws a GatewayError when it is gone. */
  incoming(ref: string): Promise<Uint8Array>;
}

export function createClaimCheck(nc: NatsConnection): ClientClaimCheck {
  let bucket: Promise<ObjectStore> | undefined;
  const open = (): Promise<ObjectStore> => {
    bucket ??= new Objm(nc)
      .create(BODY_BUCKET, { ttl: BODY_MAX_AGE_MS * 1_000_000, storage: StorageType.File })
      .catch((err: unknown) => {
        bucket = undefined;
        throw err;
      });
    return bucket;
  };

  return {
    fits(bytes) {
      const max = nc.info?.max_payload;
      return max === undefined || bytes <= Math.max(max - HEADER_ROOM, Math.floor(max / 2));
    },
    async put(body, headers) {
      const name = randomUUID();
      try {
        await (await open()).putBlob({ name }, body);
      } catch (cause) {
        throw new GatewayError('unavailable', `Could not store the large request body in ${BODY_BUCKET}.`, {
          cause,
        });
      }
      headers.set(Headers.bodyRef, `${BODY_BUCKET}/${name}`);
      return EMPTY;
    },
    async incoming(ref) {
      const name = ref.startsWith(`${BODY_BUCKET}/`) ? ref.slice(BODY_BUCKET.length + 1) : '';
      let body: Uint8Array | null = null;
      if (name !== '') {
        const store = await open();
        body = await store.getBlob(name);
        // Only this client reads its answer.
        if (body !== null) void store.delete(name).catch(() => undefined);
      }
      if (body === null)
        throw new GatewayError('upstream_error', 'A large answer was lost before it could be read.');
      return body;
    },
  };
}
