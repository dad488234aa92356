import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from '../infra/once.js';

/** Answers one request; `n` counts the server's requests from 1. */
export type FakeHandler = (req: IncomingMessage, res: ServerResponse, n: number) => Promise<void>;

export interface FakeServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Closes the server and every connection; repeated calls share the first one's promise. */
  stop: () => Promise<void>;
}

/**
 * A fake provider's HTTP server on a free local port. A handler that fails answers with
 * `sendServerError` (the provider's 500) while nothing was sent yet, else the socket is destroyed.
 */
export async function startFakeServer(
  handle: FakeHandler,
  sendServerError: (res: ServerResponse, n: number) => void,
): Promise<FakeServer> {
  let seq = 0;
  const server = createServer((req, res) => {
    const n = ++seq;
    handle(req, res, n).catch(() => {
      // Aborted waits land here when the client left or the server stopped: nothing to answer.
      if (!res.headersSent && !res.destroyed) sendServerError(res, n);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  // closeAllConnections destroys sockets held by `hang` requests and keep-alive clients, which
  // would otherwise keep close() waiting forever.
  const stop = once(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${port}`, stop };
}
