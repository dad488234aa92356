import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocket, WebSocketServer } from 'ws';
import { GatewayError, toOpenAIErrorBody } from '@switchyard/contracts';
import type { IngressContext } from '../context.js';
import { authorizationOf } from '../request-meta.js';
import { checkKey } from '../check-key.js';
import { parseClientFrame } from './client-frame.js';
import { READY_FRAME, errorFrame } from './server-frame.js';
import { createWsSession, type WsSession } from './ws-session.js';

export const WS_PATH = '/v1/ws';

/** Close codes the server uses besides the standard 1001 (shutting down) and 1009 (frame too large). */
export const CloseCodes = {
  goingAway: 1001,
  internalError: 1011,
  tryAgainLater: 1013,
} as const;

/** A refused key closes with 4000 + its HTTP status (4401, 4403, 4429); a gateway failure with 1011/1013. */
export function closeCodeOf(err: GatewayError): number {
  if (err.status < 500) return 4000 + err.status;
  return err.code === 'unavailable' || err.code === 'timeout'
    ? CloseCodes.tryAgainLater
    : CloseCodes.internalError;
}

/** How long a closing handshake may take before the socket is cut. */
const CLOSE_HANDSHAKE_MS = 1_000;

interface Connection {
  socket: WebSocket;
  /** Cleared at each ping, set by the pong: a socket still cleared at the next ping is dead. */
  alive: boolean;
  session?: WsSession;
}

export interface WebSocketOptions {
  /** How long a stop lets running requests finish before cancelling them. */
  stopGraceMs: number;
}

/** Answers an upgrade that will not become a WebSocket with a plain HTTP error in OpenAI's shape. */
function refuseUpgrade(socket: Duplex, err: GatewayError): void {
  const body = JSON.stringify(toOpenAIErrorBody(err));
  socket.end(
    `HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? ''}\r\nconnection: close\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function closeSocket(socket: WebSocket, code: number, reason: string): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const cut = setTimeout(() => socket.terminate(), CLOSE_HANDSHAKE_MS);
    socket.once('close', () => {
      clearTimeout(cut);
      resolve();
    });
    socket.close(code, reason);
  });
}

/**
 * `GET /v1/ws`: the WebSocket API (docs/websocket.md) on the app's HTTP server. A stop lets every
 * socket's running requests finish (up to `stopGraceMs`), then closes it with 1001.
 */
export function attachWebSocket(app: FastifyInstance, ctx: IngressContext, options: WebSocketOptions): void {
  const config = ctx.config.server;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.body_limit_bytes,
    clientTracking: false,
  });
  const connections = new Set<Connection>();
  let closing = false;

  function connect(socket: WebSocket, request: IncomingMessage): void {
    const conn: Connection = { socket, alive: true };
    connections.add(conn);
    const authTimer = setTimeout(
      () =>
        refuse(
          new GatewayError(
            'unauthenticated',
            `No key within ${config.ws_auth_timeout_ms} ms: send {"type":"auth","api_key":"<key>"} first.`,
          ),
        ),
      config.ws_auth_timeout_ms,
    );

    const refuse = (err: GatewayError): void => {
      conn.session?.cancelAll();
      if (socket.readyState !== WebSocket.OPEN) return;
      socket.send(errorFrame(undefined, err));
      socket.close(closeCodeOf(err), err.code);
    };
    const authenticate = (authorization: string): void => {
      clearTimeout(authTimer);
      // Requests may come before the check answers: policy authenticates each one anyway.
      conn.session = createWsSession(ctx, socket, authorization);
      void checkKey(ctx, authorization, config.ws_auth_timeout_ms).then((err) => {
        if (err) refuse(err);
        else if (socket.readyState === WebSocket.OPEN) socket.send(READY_FRAME);
      });
    };

    socket.on('pong', () => (conn.alive = true));
    // A protocol violation (a frame over the size limit: 1009) closes the socket; nothing to add.
    socket.on('error', (err) => ctx.log.debug({ err }, 'websocket error'));
    socket.on('close', () => {
      clearTimeout(authTimer);
      connections.delete(conn);
      conn.session?.cancelAll();
    });
    socket.on('message', (data) => {
      if (socket.readyState !== WebSocket.OPEN) return;
      const frame = parseClientFrame(data);
      if (conn.session) return conn.session.receive(frame);
      if (frame.type === 'auth') return authenticate(`Bearer ${frame.api_key}`);
      refuse(
        new GatewayError(
          'unauthenticated',
          'Authenticate first: send {"type":"auth","api_key":"<key>"}, or connect with an Authorization header.',
        ),
      );
    });

    const authorization = authorizationOf(request.headers);
    if (authorization !== undefined) authenticate(authorization);
  }

  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = request.url?.split('?', 1)[0];
    if (path !== WS_PATH) {
      return refuseUpgrade(socket, new GatewayError('not_found', `Invalid URL (${request.method} ${path})`));
    }
    if (closing)
      return refuseUpgrade(socket, new GatewayError('unavailable', 'The gateway is shutting down.'));
    wss.handleUpgrade(request, socket, head, (ws) => connect(ws, request));
  });

  const keepalive = setInterval(() => {
    for (const conn of connections) {
      if (!conn.alive) {
        conn.socket.terminate();
        continue;
      }
      conn.alive = false;
      conn.socket.ping();
    }
  }, config.ws_ping_interval_ms);
  keepalive.unref();

  app.addHook('preClose', async () => {
    closing = true;
    const open = [...connections];
    const shuttingDown = new GatewayError('unavailable', 'The gateway is shutting down.');
    const cut = setTimeout(() => {
      for (const conn of open) conn.session?.cancelAll(shuttingDown);
    }, options.stopGraceMs);
    await Promise.all(
      open.map(async (conn) => {
        await conn.session?.drain();
        await closeSocket(conn.socket, CloseCodes.goingAway, 'shutting down');
      }),
    );
    clearTimeout(cut);
  });
  app.addHook('onClose', (_instance, done) => {
    clearInterval(keepalive);
    wss.close(() => done());
  });
}
