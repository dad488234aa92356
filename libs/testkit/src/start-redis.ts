import { getFreePort } from './infra/free-port.js';
import { spawnLocal, type LocalProcess } from './infra/local-process.js';
import { once } from './infra/once.js';
import type { StartServiceOptions } from './infra/start-service.js';
import { startService } from './infra/start-service.js';
import { waitUntilReady } from './infra/wait-until-ready.js';
import type { ServiceHandle } from './service-handle.js';

/** A Redis server a test can take down and bring back, to show what happens while it is gone. */
export interface RedisHandle extends ServiceHandle {
  /**
   * After `stop()`, starts an empty Redis again at the same URL. Stopping and starting an
   * external server (REDIS_URL) is not ours to do: both are no-ops there, so tests that take
   * Redis down pass `ignoreEnv: true`.
   */
  start(): Promise<void>;
}

/** A Redis server: REDIS_URL, else a redis:7 container, else the local redis-server. */
export function startRedis(options: StartServiceOptions = {}): Promise<RedisHandle> {
  return startService(
    {
      name: 'Redis',
      envVar: 'REDIS_URL',
      exampleUrl: 'redis://127.0.0.1:6379',
      binary: { name: 'redis-server', fallbacks: ['/usr/bin/redis-server'], debianPackage: 'redis-server' },
      startContainer: startRedisContainer,
      startLocal: startLocalRedis,
      external: (url) => ({ url, stop: async () => {}, start: async () => {} }),
    },
    options,
  );
}

/**
 * Runs `launch` now and again on each `start()`; `stop()` ends the current one. The handle's stop
 * stays usable across restarts (each launch has its own).
 */
async function restartable(
  url: string,
  launch: () => Promise<{ stop(): Promise<void> }>,
): Promise<RedisHandle> {
  let current: { stop(): Promise<void> } | undefined = await launch();
  return {
    url,
    async stop() {
      const running = current;
      current = undefined;
      await running?.stop();
    },
    async start() {
      current ??= await launch();
    },
  };
}

async function startRedisContainer(): Promise<RedisHandle> {
  const { GenericContainer, Wait } = await import('testcontainers');
  // A fixed host port, so a container started again answers at the same URL.
  const port = await getFreePort();
  return restartable(`redis://127.0.0.1:${port}`, async () => {
    const container = await new GenericContainer('redis:7')
      .withExposedPorts({ container: 6379, host: port })
      .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
      .start();
    return { stop: once(async () => void (await container.stop())) };
  });
}

async function startLocalRedis(binary: string): Promise<RedisHandle> {
  const port = await getFreePort();
  return restartable(`redis://127.0.0.1:${port}`, () => launchLocalRedis(binary, port));
}

async function launchLocalRedis(binary: string, port: number): Promise<LocalProcess> {
  // No persistence: nothing is written to disk, so there is no directory to clean up.
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const server = spawnLocal(binary, args);
  try {
    // Its own log line, not a PING: another process may hold the port we were given, and would
    // answer. Ours then exits ("Address already in use") and the caller retries with a fresh port.
    await waitUntilReady(server, /Ready to accept connections/, { what: `redis-server on port ${port}` });
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}
