export {
  connectRedis,
  redactRedisUrl,
  type ConnectRedisOptions,
  type RedisConnection,
} from './connect-redis.js';
