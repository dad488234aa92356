import { createServer } from 'node:net';

// Ports this process has handed out. The kernel may offer a just-released port again, and two
// servers started side by side must not be told the same one.
const issued = new Set<number>();

/**
 * Asks the kernel for a free TCP port on 127.0.0.1, never one this process already handed out.
 * The port is released before the caller binds it, so another process may grab it in between;
 * callers must check that their own server bound it and retry with a fresh port otherwise.
 */
export async function getFreePort(): Promise<number> {
  for (;;) {
    const port = await askKernel();
    if (!issued.has(port)) {
      issued.add(port);
      return port;
    }
  }
}

function askKernel(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not obtain a free port'))));
    });
  });
}
