import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Child, Children } from './children.js';

/** A port the kernel says is free now; a server that then fails to bind it shows up as an early exit. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The path of a binary on PATH (or a usual sbin path), or a clear error saying how to get it. */
export function findBinary(name: string, debianPackage: string): string {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/bin'];
  for (const dir of dirs) {
    const path = join(dir, name);
    if (dir && existsSync(path)) return path;
  }
  throw new Error(
    `${name} not found on PATH: the bench runs NATS and Redis locally (apt-get install ${debianPackage}).`,
  );
}

/** nats-server with JetStream (the telemetry service keeps its request log there) and 8 MB payloads, like production. */
export async function startNats(children: Children, name = 'nats'): Promise<{ url: string; child: Child }> {
  const binary = findBinary('nats-server', 'nats-server');
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-nats-'));
  const port = await freePort();
  const config = join(dir, 'nats.conf');
  writeFileSync(
    config,
    [
      `listen: ${JSON.stringify(`127.0.0.1:${port}`)}`,
      'max_payload: 8MB',
      `jetstream { store_dir: ${JSON.stringify(join(dir, 'store'))} }`,
      '',
    ].join('\n'),
  );
  const child = children.spawn(name, binary, ['-c', config], {});
  await child.waitFor(/Server is ready/, 15_000);
  return { url: `nats://127.0.0.1:${port}`, child };
}

/** redis-server without persistence: nothing touches the disk during a run. */
export async function startRedis(children: Children): Promise<{ url: string; child: Child }> {
  const binary = findBinary('redis-server', 'redis-server');
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = children.spawn('redis', binary, args, {});
  await child.waitFor(/Ready to accept connections/, 15_000);
  return { url: `redis://127.0.0.1:${port}`, child };
}
