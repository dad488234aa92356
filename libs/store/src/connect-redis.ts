import { Redis } from 'ioredis';
import type { Logger } from '@switchyard/log';

export interface RedisConnection {
  readonly client: Redis;
  /** Connected and answering: while false, commands fail at once rather than queue. */
  readonly ready: boolean;
  /**
   * Resolves once connected, or after `timeoutMs` if Redis is not there (the service then starts
   * anyway, in its degraded mode): a service waits for it at start so its first requests don't
   * meet a connection still opening.
   */
  whenReady(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface ConnectRedisOptions {
  url: string;
  log: Logger;
  /** Names the connection in Redis's CLIENT LIST (`switchyard-policy`). */
  name: string;
  /** A command unanswered after this fails: a hung Redis must not hold requests. */
  commandTimeoutMs?: number;
}

/** `redis://user:secret@host` → `redis://user:***@host`: a URL may carry the password. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * A Redis client for the request path. While Redis is away, commands fail at once instead of
 * queueing (the caller decides: fail open, fail closed, bypass the cache), and the client keeps
 * reconnecting in the background. Each change of state is logged once, not once per command.
 */
export function connectRedis({
  url,
  log,
  name,
  commandTimeoutMs = 1000,
}: ConnectRedisOptions): RedisConnection {
  const where = redactRedisUrl(url);
  const client = new Redis(url, {
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    // Commands issued in one turn of the event loop (many requests' admissions) share one write.
    enableAutoPipelining: true,
    connectTimeout: 2000,
    // Back off to one attempt every 2 s, forever: Redis coming back is normal, not an error.
    retryStrategy: (times) => Math.min(times * 100, 2000),
  });
  let up = false;
  client.on('ready', () => {
    up = true;
    log.info({ redis: where }, 'connected to Redis');
  });
  const down = (err?: Error): void => {
    if (!up && err === undefined) return;
    if (up) log.warn({ redis: where, err: err?.message }, 'lost the connection to Redis; reconnecting');
    up = false;
  };
  client.on('close', () => down());
  // Without a listener ioredis prints every failed reconnect; the state change above says enough.
  client.on('error', (err: Error) => down(err));

  return {
    client,
    get ready() {
      return client.status === 'ready';
    },
    whenReady(timeoutMs) {
      if (client.status === 'ready') return Promise.resolve();
      return new Promise((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          client.off('ready', done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        client.once('ready', done);
      });
    },
    async close() {
      client.removeAllListeners('ready');
      await client.quit().catch(() => client.disconnect());
    },
  };
}
