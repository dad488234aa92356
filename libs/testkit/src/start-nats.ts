import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getFreePort } from './infra/free-port.js';
import { spawnLocal } from './infra/local-process.js';
import { once } from './infra/once.js';
import type { StartServiceOptions } from './infra/start-service.js';
import { startService } from './infra/start-service.js';
import { waitUntilReady } from './infra/wait-until-ready.js';
import type { ServiceHandle } from './service-handle.js';

export interface StartNatsOptions extends StartServiceOptions {
  /**
   * NATS's max_payload. 8MB (the server's recommended ceiling) lets tests send multi-MB bodies;
   * Switchyard's own launcher uses the same, so tests see what production sees.
   */
  maxPayload?: string;
  /** More server config text (accounts, users, cluster routes), appended to the testkit's own. */
  extraConfig?: string;
  /**
   * Local server only: a fixed port and a JetStream directory that outlives the server, so a test
   * can stop it and start it again at the same URL with the same streams and KV (restart tests).
   */
  port?: number;
  storeDir?: string;
}

const CONTAINER_CONFIG = '/etc/nats/testkit.conf';

/** A NATS server with JetStream: NATS_URL, else a nats:2.10 container, else the local nats-server. */
export function startNats(options: StartNatsOptions = {}): Promise<ServiceHandle> {
  const maxPayload = options.maxPayload ?? '8MB';
  const extraConfig = options.extraConfig ?? '';
  return startService(
    {
      name: 'NATS',
      envVar: 'NATS_URL',
      exampleUrl: 'nats://127.0.0.1:4222',
      binary: { name: 'nats-server', fallbacks: ['/usr/sbin/nats-server'], debianPackage: 'nats-server' },
      startContainer: () => startNatsContainer(maxPayload, extraConfig),
      startLocal: (binary) => startLocalNats(binary, maxPayload, extraConfig, options),
      external: (url) => ({ url, stop: async () => {} }),
    },
    options,
  );
}

async function startNatsContainer(maxPayload: string, extraConfig: string): Promise<ServiceHandle> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer('nats:2.10')
    .withCopyContentToContainer([
      { content: `port: 4222\nmax_payload: ${maxPayload}\n${extraConfig}\n`, target: CONTAINER_CONFIG },
    ])
    .withCommand(['-js', '-c', CONTAINER_CONFIG])
    .withExposedPorts(4222)
    .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
    .start();
  const url = `nats://${container.getHost()}:${container.getMappedPort(4222)}`;
  return { url, stop: once(async () => void (await container.stop())) };
}

async function startLocalNats(
  binary: string,
  maxPayload: string,
  extraConfig: string,
  fixed: Pick<StartNatsOptions, 'port' | 'storeDir'>,
): Promise<ServiceHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-nats-'));
  const port = fixed.port ?? (await getFreePort());
  const configPath = join(dir, 'nats.conf');
  // JSON strings are valid NATS config strings, and quote paths safely.
  const config = [
    `listen: ${JSON.stringify(`127.0.0.1:${port}`)}`,
    `max_payload: ${maxPayload}`,
    `jetstream {`,
    `  store_dir: ${JSON.stringify(fixed.storeDir ?? join(dir, 'store'))}`,
    `}`,
    extraConfig,
    '',
  ].join('\n');
  await writeFile(configPath, config);

  const server = spawnLocal(binary, ['-c', configPath], { cleanupDir: dir });
  try {
    // Its own log line, not a probe of the port: another process may hold the port we were given,
    // and would answer a probe. Ours then exits ("address already in use") and the caller retries.
    await waitUntilReady(server, /Server is ready/, { what: `nats-server on port ${port}` });
  } catch (err) {
    await server.stop();
    throw err;
  }
  return { url: `nats://127.0.0.1:${port}`, stop: server.stop };
}
