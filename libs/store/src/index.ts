export {
  connectRedis,
  redactRedisUrl,
  type ConnectRedisOptions,
  type RedisConnection,
} from './connect-redis.js';
export { createFileStore, type FileStore, type StoredFile } from './file-store.js';
export { ensureStream, isReplicasRefused, nanos, openWithReplicas } from './jetstream-assets.js';
