import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from 'node:http2';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';

export type DualRequestListener = (
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
) => void;

export interface DualProtocolServer {
  port: number;
  stop(): Promise<void>;
}

// Every HTTP/2 connection without TLS opens with this preface ("prior knowledge"); no HTTP/1.1
// request line starts with "PRI".
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0');

/**
 * One port that speaks HTTP/1.1 and cleartext HTTP/2, as Bedrock's endpoint speaks both: the
 * gateway's undici pool uses HTTP/1.1, while AWS's SDK for this service always uses HTTP/2.
 * Each connection's first bytes pick the protocol; node's own servers then take the socket.
 */
export async function listenHttp1And2(onRequest: DualRequestListener): Promise<DualProtocolServer> {
  const http1 = createHttp1Server(onRequest);
  const http2 = createHttp2Server(onRequest);
  const sockets = new Set<Socket>();
  const front = createNetServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    let head = Buffer.alloc(0);
    const onData = (data: Buffer): void => {
      head = Buffer.concat([head, data]);
      const isH2 = head
        .subarray(0, H2_PREFACE.length)
        .equals(H2_PREFACE.subarray(0, Math.min(head.length, H2_PREFACE.length)));
      if (isH2 && head.length < H2_PREFACE.length) return; // could still be either: wait for more
      socket.off('data', onData);
      socket.pause();
      socket.unshift(head);
      if (isH2) {
        // The HTTP/2 session reads what the socket already buffered, then the socket's handle.
        http2.emit('connection', socket);
      } else {
        // The HTTP/1.1 parser gets buffered bytes as `data` events: the socket must flow again.
        http1.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (front.address() as AddressInfo).port,
    // Held connections (`hang`, keep-alive, HTTP/2 sessions) would keep close() waiting forever.
    stop: () =>
      new Promise<void>((resolve) => {
        front.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
