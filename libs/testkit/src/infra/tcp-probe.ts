import { connect } from 'node:net';

export interface TcpProbe {
  host: string;
  port: number;
  /** Bytes to send once connected (e.g. a Redis PING); nothing for servers that speak first. */
  send?: string;
  /** True once the bytes received so far prove the server is ready. */
  ready(received: string): boolean;
  timeoutMs?: number;
}

/**
 * One readiness attempt over raw TCP: connect, optionally send, read until `ready` says yes.
 * Resolves false on refusal, timeout or close; never rejects, so it can be polled.
 */
export function probeTcp(probe: TcpProbe): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: probe.host, port: probe.port });
    let received = '';
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), probe.timeoutMs ?? 1000);
    socket.once('connect', () => {
      if (probe.send) socket.write(probe.send);
    });
    socket.on('data', (data: Buffer) => {
      received += data.toString('utf8');
      if (probe.ready(received)) finish(true);
    });
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
  });
}
