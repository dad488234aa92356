import { createLogger } from '@switchyard/log';
import { startRedis, waitUntil, type RedisHandle } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, redactRedisUrl, type RedisConnection } from './connect-redis.js';

let redis: RedisHandle;
let conn: RedisConnection;

beforeAll(async () => {
  redis = await startRedis({ ignoreEnv: true });
  conn = connectRedis({
    url: redis.url,
    log: createLogger({ name: 'test', level: 'silent' }),
    name: 'sy-test',
  });
  await waitUntil(() => conn.ready);
});

afterAll(async () => {
  await conn?.close();
  await redis?.stop();
});

describe('connectRedis', () => {
  it('fails commands at once while Redis is down, and resumes by itself when it is back', async () => {
    await conn.client.set('k', 'v');
    expect(await conn.client.get('k')).toBe('v');

    await redis.stop();
    await waitUntil(() => !conn.ready);
    const started = Date.now();
    await expect(conn.client.get('k')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(500);

    await redis.start();
    await waitUntil(() => conn.ready, { timeoutMs: 10_000 });
    await conn.client.set('k', 'again');
    expect(await conn.client.get('k')).toBe('again');
  });
});

describe('whenReady', () => {
  it('resolves once connected, or after its bound when Redis is not there', async () => {
    const log = createLogger({ name: 'test', level: 'silent' });
    const fresh = connectRedis({ url: redis.url, log, name: 'sy-test-ready' });
    await fresh.whenReady(5_000);
    expect(fresh.ready).toBe(true);
    await fresh.close();

    const nowhere = connectRedis({ url: 'redis://127.0.0.1:1', log, name: 'sy-test-nowhere' });
    const started = Date.now();
    await nowhere.whenReady(300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(nowhere.ready).toBe(false);
    await nowhere.close();
  });
});

describe('redactRedisUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactRedisUrl('redis://user:s3cret@cache:6379/0')).toBe('redis://user:***@cache:6379/0');
    expect(redactRedisUrl('redis://cache:6379')).toBe('redis://cache:6379');
    expect(redactRedisUrl('::not a url')).not.toContain('not a url');
  });
});
