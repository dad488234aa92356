import { natsHeaders, type NatsConnection, type Replier } from '@switchyard/bus';
import { Headers, Subjects } from '@switchyard/contracts';

/** The leader of a key will store nothing: its lock must go, and the requests waiting on it go on. */
export type GiveUpLead = (key: string, ttlMs: number) => void;

/**
 * Says so the way a failed answer does: a `failed` store message, so one cache replica frees the
 * lock and every replica wakes its waiters for the key at once (instead of after `coalesce.wait_ms`).
 */
export function createGiveUpLead(nc: NatsConnection): GiveUpLead {
  return (key, ttlMs) => {
    if (nc.isClosed()) return;
    const h = natsHeaders();
    h.set(Headers.cacheKey, key);
    // Store messages without a TTL are ignored: the lock is freed by the same path as any failure.
    h.set(Headers.cacheTtlMs, String(ttlMs));
    h.set(Headers.cacheOutcome, 'failed');
    nc.publish(Subjects.cacheStore, new Uint8Array(0), { headers: h });
  };
}

/**
 * The leader's own replier, for the error the cache stage may still send after its handler returned
 * the forward (no router running: 503) or when it throws: that error gives the lead up. Errors from
 * later stages carry the key, and their answer capture reports them already.
 */
export function givingUpOnError(reply: Replier, giveUp: () => void): Replier {
  return {
    chunk: (data) => reply.chunk(data),
    done: (result) => reply.done(result),
    response: (data, result) => reply.response(data, result),
    error(err) {
      if (!reply.finished) giveUp();
      reply.error(err);
    },
    get finished() {
      return reply.finished;
    },
    get started() {
      return reply.started;
    },
  };
}
