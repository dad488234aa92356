import { keyPart } from '../domain/cache-key.js';
import { indexOfKey, matchesFilter, type ResponseStore } from './response-store.js';

interface Timed<T> {
  value: T;
  expiresAt: number;
}

/**
 * The single-process store: a Map in insertion order serves as the LRU (a read moves the entry to
 * the end; the first one goes when over `maxEntries`). Expired entries are dropped when read.
 */
export function createMemoryStore(maxEntries: number): ResponseStore {
  const entries = new Map<string, Timed<string>>();
  const locks = new Map<string, number>();
  const indexes = new Map<string, Map<string, Float32Array>>();

  const live = (key: string): string | undefined => {
    const e = entries.get(key);
    if (e === undefined) return undefined;
    entries.delete(key);
    if (e.expiresAt <= Date.now()) return undefined;
    entries.set(key, e);
    return e.value;
  };

  return {
    available: true,
    async lookup(key, lockMs) {
      const entry = live(key);
      if (entry !== undefined || lockMs <= 0) return { entry, leader: false };
      const now = Date.now();
      if ((locks.get(key) ?? 0) > now) return { entry, leader: false };
      locks.set(key, now + lockMs);
      return { entry, leader: true };
    },
    async get(key) {
      return live(key);
    },
    async set(key, entry, ttlMs) {
      entries.delete(key);
      entries.set(key, { value: entry, expiresAt: Date.now() + ttlMs });
      locks.delete(key);
      for (const oldest of entries.keys()) {
        if (entries.size <= maxEntries) break;
        entries.delete(oldest);
      }
    },
    async unlock(key) {
      locks.delete(key);
    },
    async purge(filter) {
      let purged = 0;
      for (const key of [...entries.keys()]) {
        if (!matchesFilter(key, filter, keyPart)) continue;
        entries.delete(key);
        indexes.get(indexOfKey(key))?.delete(key);
        purged++;
      }
      return purged;
    },
    async addVector(index, key, vector, max) {
      let vectors = indexes.get(index);
      if (vectors === undefined) indexes.set(index, (vectors = new Map()));
      vectors.delete(key);
      vectors.set(key, vector);
      for (const oldest of vectors.keys()) {
        if (vectors.size <= max) break;
        vectors.delete(oldest);
      }
    },
    async vectors(index) {
      return [...(indexes.get(index) ?? new Map<string, Float32Array>())];
    },
    async removeVector(index, key) {
      indexes.get(index)?.delete(key);
    },
    async close() {},
  };
}
