import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { hasDockerEngine } from './infra/docker-engine.js';
import { findBinary } from './infra/find-binary.js';
import { startNats } from './start-nats.js';

/** Connects with a raw TCP client and returns the server's first line, or the connect error code. */
function readFirstLine(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let text = '';
    socket.on('data', (data: Buffer) => {
      text += data.toString('utf8');
      if (text.includes('\r\n')) {
        socket.destroy();
        resolve(text.slice(0, text.indexOf('\r\n')));
      }
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('startNats', () => {
  it('gives a URL where a NATS server with JetStream says INFO, and stop frees it', async () => {
    const nats = await startNats();
    const info = await readFirstLine(nats.url);
    expect(info).toMatch(/^INFO \{/);
    const fields = JSON.parse(info.slice(5)) as { jetstream?: boolean; max_payload: number };
    if (!process.env.NATS_URL) {
      expect(fields.jetstream).toBe(true);
      expect(fields.max_payload).toBe(8 * 1024 * 1024);
    }
    await nats.stop();
    await nats.stop(); // idempotent
    // An external server (NATS_URL) is not ours to stop; one we started must be gone.
    expect(await readFirstLine(nats.url)).toMatch(process.env.NATS_URL ? /^INFO / : 'ECONNREFUSED');
  });

  it('starts independent servers side by side', async () => {
    const [a, b] = await Promise.all([startNats({ ignoreEnv: true }), startNats({ ignoreEnv: true })]);
    try {
      expect(a.url).not.toBe(b.url);
      expect(await readFirstLine(b.url)).toMatch(/^INFO /);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  // The exit hook only concerns local binaries; containers are reaped by testcontainers' Ryuk.
  const localBinary = findBinary('nats-server', ['/usr/sbin/nats-server']) && !hasDockerEngine();
  it.runIf(localBinary)('kills a local nats-server when the test process exits without stop()', async () => {
    const entry = fileURLToPath(new URL('./start-nats.ts', import.meta.url));
    const script = `const { startNats } = await import(${JSON.stringify(entry)}); const n = await startNats({ ignoreEnv: true }); console.log(n.url);`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: process.cwd(), timeout: 15_000 },
    );
    const url = stdout.trim();
    expect(url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    expect(await readFirstLine(url)).toBe('ECONNREFUSED');
  });
});
