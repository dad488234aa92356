import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry, collectDefaultMetrics } from 'prom-client';

export interface OpsServer {
  /** With the port actually bound (the option may say 0). */
  url: string;
  close(): Promise<void>;
}

export interface OpsServerOptions {
  host: string;
  port: number;
  /** `policy`, `worker`, …: the `service` label on every process metric. */
  service: string;
  /** Why the service cannot take work now, or undefined when it can. */
  notReadyReason(): string | undefined;
}

/**
 * What an orchestrator asks of a process with no HTTP API of its own (policy, cache, router,
 * workers): `/healthz` (the process answers: liveness), `/readyz` (it can take work: readiness)
 * and `/metrics` (its own CPU, memory, event loop and GC, for Prometheus). Request metrics are
 * the telemetry service's, from events.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  collectDefaultMetrics({ register: registry });

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      const reason = options.notReadyReason();
      if (reason === undefined) res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      else res.writeHead(503, { 'content-type': 'text/plain' }).end(`${reason}\n`);
    } else if (path === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n'),
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${host}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // A prober's keep-alive connection must not hold the shutdown open.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
