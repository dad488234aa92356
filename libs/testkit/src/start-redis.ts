import { getFreePort } from './infra/free-port.js';
import { spawnLocal } from './infra/local-process.js';
import { once } from './infra/once.js';
import type { StartServiceOptions } from './infra/start-service.js';
import { startService } from './infra/start-service.js';
import { waitUntilReady } from './infra/wait-until-ready.js';
import type { ServiceHandle } from './service-handle.js';

/** A Redis server: REDIS_URL, else a redis:7 container, else the local redis-server. */
export function startRedis(options: StartServiceOptions = {}): Promise<ServiceHandle> {
  return startService(
    {
      name: 'Redis',
      envVar: 'REDIS_URL',
      exampleUrl: 'redis://127.0.0.1:6379',
      binary: { name: 'redis-server', fallbacks: ['/usr/bin/redis-server'], debianPackage: 'redis-server' },
      startContainer: startRedisContainer,
      startLocal: startLocalRedis,
    },
    options,
  );
}

async function startRedisContainer(): Promise<ServiceHandle> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer('redis:7')
    .withExposedPorts(6379)
    .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
    .start();
  const url = `redis://${container.getHost()}:${container.getMappedPort(6379)}`;
  return { url, stop: once(async () => void (await container.stop())) };
}

async function startLocalRedis(binary: string): Promise<ServiceHandle> {
  const port = await getFreePort();
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
  return { url: `redis://127.0.0.1:${port}`, stop: server.stop };
}
