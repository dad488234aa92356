import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { RunningService, ServiceDeps } from '@switchyard/runtime';
import { DEFAULT_STOP_GRACE_MS, buildApp } from './app.js';

const IDLE_SWEEP_MS = 50;

export interface RunningIngress extends RunningService {
  /** Base URL the ingress listens on, e.g. `http://127.0.0.1:8080` (the real port when 0 was asked). */
  url: string;
  address: AddressInfo;
}

export interface IngressOptions {
  /** How long `stop()` lets in-flight requests and streams finish before cutting them. */
  stopGraceMs?: number;
}

/**
 * Closes gracefully: no new connections, new requests on open ones refused with 503, in-flight
 * answers finish; after `graceMs` the remaining connections are cut (their relays cancel upstream
 * work), so a stop never hangs on a long stream.
 */
async function closeGracefully(app: FastifyInstance, graceMs: number): Promise<void> {
  const cut = setTimeout(() => app.server.closeAllConnections(), graceMs);
  // Node closes the connections idle when closing starts; one whose answer ends later would stay
  // open as keep-alive until its timeout, holding the close up, so idle ones are swept meanwhile.
  const sweep = setInterval(() => app.server.closeIdleConnections(), IDLE_SWEEP_MS);
  try {
    await app.close();
  } finally {
    clearTimeout(cut);
    clearInterval(sweep);
  }
}

export async function startIngress(deps: ServiceDeps, options: IngressOptions = {}): Promise<RunningIngress> {
  const app = buildApp(deps, options);
  const url = await app.listen({ host: deps.config.server.host, port: deps.config.server.port });
  deps.log.info({ url }, 'ingress listening');
  let stopping: Promise<void> | undefined;
  return {
    url,
    address: app.server.address() as AddressInfo,
    stop: () => (stopping ??= closeGracefully(app, options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS)),
  };
}
