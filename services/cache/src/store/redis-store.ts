import type { RedisConnection } from '@switchyard/store';
import { keyPart } from '../domain/cache-key.js';
import { indexOfKey, type PurgeFilter, type ResponseStore } from './response-store.js';

type Redis = RedisConnection['client'];

const PREFIX = 'sy:cache:v1:';
const entryOf = (key: string): string => `${PREFIX}e:${key}`;
const lockOf = (key: string): string => `${PREFIX}l:${key}`;
const vectorsOf = (index: string): string => `${PREFIX}v:${index}`;
const ageOf = (index: string): string => `${PREFIX}a:${index}`;

/** GET the entry; on a miss, optionally take the in-flight lock (SET NX PX): a lookup stays one round trip. */
const LOOKUP = `
local v = redis.call('GET', KEYS[1])
if v then return {v, 0} end
if tonumber(ARGV[1]) > 0 and redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then return {false, 1} end
return {false, 0}`;

/** Adds a vector and drops the oldest past the bound: a hash of vectors and a sorted set of their ages. */
const ADD_VECTOR = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if over > 0 then
  local old = redis.call('ZPOPMIN', KEYS[2], over)
  for i = 1, #old, 2 do redis.call('HDEL', KEYS[1], old[i]) end
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])`;

type Scripted = Redis & {
  cacheLookup(entry: string, lock: string, lockMs: number): Promise<[string | null, number]>;
  cacheAddVector(
    vectors: string,
    ages: string,
    key: string,
    vector: Buffer,
    at: number,
    max: number,
    ttlMs: number,
  ): Promise<null>;
};

const toBuffer = (v: Float32Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
const toVector = (b: Buffer): Float32Array => {
  const copy = new Uint8Array(b); // aligned, as Float32Array needs
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
};

/** Deletes every key matching a pattern, by SCAN (never KEYS, which blocks Redis); returns how many went. */
async function deleteMatching(client: Redis, pattern: string): Promise<number> {
  let purged = 0;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) purged += await client.unlink(...keys);
  } while (cursor !== '0');
  return purged;
}

/** Entries under `sy:cache:v1:e:<namespace>:<model>:<hash>` with a TTL; locks and vector indexes beside them. */
export function createRedisStore(conn: RedisConnection): ResponseStore {
  const client = conn.client as Scripted;
  client.defineCommand('cacheLookup', { numberOfKeys: 2, lua: LOOKUP });
  client.defineCommand('cacheAddVector', { numberOfKeys: 2, lua: ADD_VECTOR });

  return {
    get available() {
      return conn.ready;
    },
    async lookup(key, lockMs) {
      const [entry, leader] = await client.cacheLookup(entryOf(key), lockOf(key), lockMs);
      return { entry: entry ?? undefined, leader: leader === 1 };
    },
    async get(key) {
      return (await client.get(entryOf(key))) ?? undefined;
    },
    async set(key, entry, ttlMs) {
      await client.multi().set(entryOf(key), entry, 'PX', ttlMs).del(lockOf(key)).exec();
    },
    async unlock(key) {
      await client.del(lockOf(key));
    },
    async purge(filter: PurgeFilter) {
      if (filter.key !== undefined) {
        const { key, namespace, model } = filter;
        const [ns, m] = key.split(':');
        if (
          (namespace !== undefined && ns !== keyPart(namespace)) ||
          (model !== undefined && m !== keyPart(model))
        )
          return 0;
        await client.hdel(vectorsOf(indexOfKey(key)), key);
        return client.unlink(entryOf(key));
      }
      const index = `${filter.namespace === undefined ? '*' : keyPart(filter.namespace)}:${
        filter.model === undefined ? '*' : keyPart(filter.model)
      }`;
      await deleteMatching(client, vectorsOf(index));
      await deleteMatching(client, ageOf(index));
      return deleteMatching(client, `${entryOf(index)}:*`);
    },
    async addVector(index, key, vector, max, ttlMs) {
      await client.cacheAddVector(
        vectorsOf(index),
        ageOf(index),
        key,
        toBuffer(vector),
        Date.now(),
        max,
        ttlMs,
      );
    },
    async vectors(index) {
      const all = await client.hgetallBuffer(vectorsOf(index));
      return Object.entries(all).map(([key, b]) => [key, toVector(b)] as [string, Float32Array]);
    },
    async removeVector(index, key) {
      await client.multi().hdel(vectorsOf(index), key).zrem(ageOf(index), key).exec();
    },
    close: () => conn.close(),
  };
}
