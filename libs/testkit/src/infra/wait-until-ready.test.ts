import { describe, expect, it } from 'vitest';
import { spawnLocal } from './local-process.js';
import { waitUntilReady } from './wait-until-ready.js';

function node(script: string) {
  return spawnLocal(process.execPath, ['-e', script], { killAfterMs: 500 });
}

describe('waitUntilReady', () => {
  it('resolves once the process prints its ready line, even split across writes', async () => {
    const server = node(
      `process.stdout.write('starting\\nServer is '); setTimeout(() => process.stdout.write('ready\\n'), 50); setInterval(() => {}, 1000);`,
    );
    try {
      await expect(waitUntilReady(server, /Server is ready/, { what: 'fake' })).resolves.toBeUndefined();
    } finally {
      await server.stop();
    }
  });

  it('fails with the server output when it exits first (a port already taken)', async () => {
    const server = node(`console.error('bind: address already in use'); process.exit(1);`);
    await expect(waitUntilReady(server, /Server is ready/, { what: 'fake on port 1' })).rejects.toThrow(
      /fake on port 1 exited before it was ready \(exit code 1\):\nbind: address already in use/,
    );
  });

  it('fails after the bound when the ready line never comes', async () => {
    const server = node(`console.log('still starting'); setInterval(() => {}, 1000);`);
    try {
      await server.printed(/still starting/); // node itself may take longer than the bound to start
      await expect(
        waitUntilReady(server, /Server is ready/, { what: 'slow', timeoutMs: 200 }),
      ).rejects.toThrow(/slow was not ready after 200 ms:\nstill starting/);
    } finally {
      await server.stop();
    }
  });
});
