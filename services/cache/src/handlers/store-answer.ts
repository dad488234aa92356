import type { Msg, StoreAlarm } from '@switchyard/bus';
import { Headers } from '@switchyard/contracts';
import type { Logger } from '@switchyard/log';
import type { Waiters } from '../coalesce/waiters.js';
import type { ResponseStore } from '../store/response-store.js';
import { toStoredEntry } from './answer-hit.js';

const decoder = new TextDecoder();

/** A `Subjects.cacheStore` message read: the entry to store, or undefined when the answer failed. */
export function readStoreMessage(
  msg: Msg,
): { key: string; ttlMs: number; entry: string | undefined } | undefined {
  const key = msg.headers?.get(Headers.cacheKey);
  const ttlMs = Number(msg.headers?.get(Headers.cacheTtlMs));
  if (!key || !(ttlMs > 0)) return undefined;
  if (msg.headers?.get(Headers.cacheOutcome) === 'failed' || msg.data.byteLength === 0)
    return { key, ttlMs, entry: undefined };
  const cost = Number(msg.headers?.get(Headers.cacheCost) || NaN);
  return {
    key,
    ttlMs,
    entry: toStoredEntry(decoder.decode(msg.data), Number.isFinite(cost) ? cost : undefined),
  };
}

/** Writes answers to the store (one replica of the queue group per message), off every request's path. */
export function createStoreAnswer(deps: { store: ResponseStore; alarm: StoreAlarm; log: Logger }) {
  const { store, alarm, log } = deps;
  return async (msg: Msg): Promise<void> => {
    const m = readStoreMessage(msg);
    if (m === undefined) return log.warn('ignored a cache store message without key or TTL');
    try {
      if (m.entry === undefined) await store.unlock(m.key);
      else await store.set(m.key, m.entry, m.ttlMs);
    } catch (err) {
      alarm.report('skip_store', err);
    }
  };
}

/** Wakes this replica's requests waiting on the key, with the answer itself: no store round trip. */
export function createWakeWaiters(waiters: Waiters) {
  return (msg: Msg): void => {
    const key = msg.headers?.get(Headers.cacheKey);
    if (!key || !waiters.has(key)) return;
    waiters.wake(key, readStoreMessage(msg)?.entry);
  };
}
