import { connect, type NatsConnection } from '@nats-io/transport-node';
import { useClaimCheck } from './claim-check.js';

export type { NatsConnection } from '@nats-io/transport-node';

export interface BusLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ConnectBusOptions {
  /**
   * One URL or a comma-separated list, as NATS_URL holds it. Credentials in a URL
   * (`nats://user:password@host:4222`) log in as that NATS user (deploy/nats/accounts.conf).
   */
  url: string;
  /** Shown in the server's connection list (`switchyard-policy`, …). */
  name: string;
  log: BusLogger;
  /** Messages this connection publishes are not delivered to its own subscriptions (local dispatch's events). */
  noEcho?: boolean;
  /** Copies kept of the claim-check bucket, should this connection create it (`jetstream.replicas`); 1 if unset. */
  jetstreamReplicas?: number;
}

/**
 * Connects to NATS and keeps reconnecting forever: a gateway outlives restarts of the bus.
 * The first connection must succeed, so a wrong URL fails at start with a clear message.
 */
export async function connectBus({
  url,
  name,
  log,
  noEcho,
  jetstreamReplicas = 1,
}: ConnectBusOptions): Promise<NatsConnection> {
  let nc: NatsConnection;
  const servers = url.split(',').map((s) => s.trim());
  try {
    nc = await connect({
      servers,
      ...credentialsOf(servers),
      name,
      noEcho,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      pingInterval: 10_000,
    });
  } catch (cause) {
    throw new Error(`Cannot connect to NATS at ${redactUrl(url)}: ${(cause as Error).message}`, { cause });
  }
  useClaimCheck(nc, { replicas: jetstreamReplicas });
  void watchStatus(nc, log);
  return nc;
}

/** The user and password of the first URL that has them: nats.js ignores a URL's userinfo. */
function credentialsOf(servers: readonly string[]): { user?: string; pass?: string } {
  for (const server of servers) {
    const match = /^[a-z]+:\/\/([^:@/]+):([^@/]*)@/i.exec(server);
    if (match) return { user: decodeURIComponent(match[1]!), pass: decodeURIComponent(match[2]!) };
  }
  return {};
}

async function watchStatus(nc: NatsConnection, log: BusLogger): Promise<void> {
  for await (const status of nc.status()) {
    switch (status.type) {
      case 'disconnect':
        log.warn({ server: status.server }, 'NATS disconnected; reconnecting');
        break;
      case 'reconnect':
        log.info({ server: status.server }, 'NATS reconnected');
        break;
      case 'error':
        log.error({ err: status.error }, 'NATS connection error');
        break;
      default:
        break;
    }
  }
}

/** A NATS URL without its credentials (`nats://user:pass@host` → `nats://***@host`), for logs. */
export const redactUrl = (url: string): string => url.replace(/\/\/[^@/]*@/g, '//***@');
