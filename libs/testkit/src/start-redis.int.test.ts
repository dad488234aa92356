import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startRedis } from './start-redis.js';

/** Sends raw RESP commands and resolves with the reply text once `done` says it is complete. */
function send(url: string, commands: string, done: (reply: string) => boolean): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(commands));
    let reply = '';
    socket.on('data', (data: Buffer) => {
      reply += data.toString('utf8');
      if (done(reply)) {
        socket.destroy();
        resolve(reply);
      }
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('startRedis', () => {
  it('gives a URL where Redis answers PING and stores values, and stop frees it', async () => {
    const redis = await startRedis();
    expect(redis.url).toMatch(/^redis:\/\//);
    expect(await send(redis.url, 'PING\r\n', (r) => r.endsWith('\r\n'))).toBe('+PONG\r\n');
    const reply = await send(redis.url, 'SET testkit:k v1\r\nGET testkit:k\r\n', (r) => r.includes('v1\r\n'));
    expect(reply).toBe('+OK\r\n$2\r\nv1\r\n');
    await redis.stop();
    if (!process.env.REDIS_URL) expect(await send(redis.url, 'PING\r\n', () => true)).toBe('ECONNREFUSED');
  });
});

describe('startRedis restarts', () => {
  it('comes back empty at the same URL after stop() and start()', async () => {
    const redis = await startRedis({ ignoreEnv: true });
    try {
      await send(redis.url, 'SET testkit:k v1\r\n', (r) => r.endsWith('\r\n'));
      await redis.stop();
      expect(await send(redis.url, 'PING\r\n', () => true)).toBe('ECONNREFUSED');
      await redis.start();
      expect(await send(redis.url, 'PING\r\n', (r) => r.endsWith('\r\n'))).toBe('+PONG\r\n');
      expect(await send(redis.url, 'GET testkit:k\r\n', (r) => r.endsWith('\r\n'))).toBe('$-1\r\n');
    } finally {
      await redis.stop();
    }
  });
});
