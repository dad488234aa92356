import type { NatsConnection } from '@nats-io/transport-node';

export interface ConnectionState {
  /** Open and not between a disconnect and a reconnect: a request published now reaches the server. */
  isConnected(): boolean;
  stop(): void;
}

/**
 * Follows the NATS connection's status, so readiness can say "not ready" while the client is
 * reconnecting (it buffers publishes meanwhile, and requests would only wait for their deadline).
 */
export function watchConnection(nc: NatsConnection): ConnectionState {
  let disconnected = false;
  const status = nc.status();
  void (async () => {
    for await (const s of status) {
      if (s.type === 'disconnect') disconnected = true;
      else if (s.type === 'reconnect') disconnected = false;
    }
  })();
  return {
    isConnected: () => !disconnected && !nc.isClosed() && !nc.isDraining(),
    stop: () => (status as { stop?: () => void }).stop?.(),
  };
}
