/** Narrows a purge; fields given together must all match. */
export interface PurgeFilter {
  /** An entry's full key (`<namespace>:<model>:<hash>`). */
  key?: string | undefined;
  namespace?: string | undefined;
  /** The model as callers name it. */
  model?: string | undefined;
}

export interface LookupResult {
  /** The stored entry's JSON, on a hit. */
  entry: string | undefined;
  /** On a miss asked to lock: this request took the key's in-flight lock, so identical ones wait for it. */
  leader: boolean;
}

/**
 * Where answers live: Redis when `redis.url` is set (shared by every cache replica), else an
 * in-memory LRU (one process). Every method may throw while the store is unreachable; the caller
 * bypasses the cache then.
 */
export interface ResponseStore {
  /** Connected: while false the cache is bypassed without even trying. */
  readonly available: boolean;
  /** One round trip: the entry, else (when `lockMs` > 0) an attempt to take the key's in-flight lock. */
  lookup(key: string, lockMs: number): Promise<LookupResult>;
  get(key: string): Promise<string | undefined>;
  /** Stores an entry and frees the key's lock. */
  set(key: string, entry: string, ttlMs: number): Promise<void>;
  unlock(key: string): Promise<void>;
  /** Removes matching entries (and their vectors); resolves with how many entries went. */
  purge(filter: PurgeFilter): Promise<number>;
  /** Adds a prompt's vector to an index (`<namespace>:<model>`), keeping the newest `max`. */
  addVector(index: string, key: string, vector: Float32Array, max: number, ttlMs: number): Promise<void>;
  vectors(index: string): Promise<Array<[key: string, vector: Float32Array]>>;
  removeVector(index: string, key: string): Promise<void>;
  close(): Promise<void>;
}

/** The vector index an entry key belongs to: its `<namespace>:<model>` part. */
export const indexOfKey = (key: string): string => key.slice(0, key.lastIndexOf(':'));

/** Does the entry key (`<namespace>:<model>:<hash>`, parts encoded by `keyPart`) match the filter? */
export function matchesFilter(key: string, filter: PurgeFilter, encode: (s: string) => string): boolean {
  const [namespace, model] = key.split(':');
  if (filter.key !== undefined && key !== filter.key) return false;
  if (filter.namespace !== undefined && namespace !== encode(filter.namespace)) return false;
  if (filter.model !== undefined && model !== encode(filter.model)) return false;
  return true;
}
