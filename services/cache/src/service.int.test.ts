import type { Frame } from '@switchyard/bus';
import { parseConfig } from '@switchyard/config';
import { Headers, StageNames, Subjects, answerHeader } from '@switchyard/contracts';
import { createLogger } from '@switchyard/log';
import { connectRedis, type RedisConnection } from '@switchyard/store';
import {
  startRedis,
  startStageHarness,
  waitUntil,
  type RedisHandle,
  type StageHarness,
} from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCache } from './service.js';

const log = createLogger({ name: 'test', level: 'silent' });

let h: StageHarness;

/** Publishes to the cache like policy does and resolves with the terminal frame. */
const send = (body: string, headers: Record<string, string>): Promise<Frame> =>
  h.send(Subjects.cache, body, headers);

beforeAll(async () => {
  h = await startStageHarness({
    name: 'cache',
    start: ({ nc, presence }) => startCache({ nc, presence, log, config: parseConfig({}) }),
    // Stands in for the router: records what the cache forwarded and answers the requester.
    downstream: [{ name: StageNames.router, subject: Subjects.route, respondWith: '{"from":"router"}' }],
  });
});

afterAll(async () => {
  await h?.stop();
});

describe('cache stage (in-memory store)', () => {
  it('forwards a request it does not cache with BYPASS, body and headers otherwise untouched', async () => {
    const body = '{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}';
    const headers = { [Headers.requestId]: 'req-9', [Headers.model]: 'gpt-4o', [Headers.keyId]: 'app' };
    const frame = await send(body, headers);
    expect(Buffer.from(frame.data).toString('utf8')).toBe('{"from":"router"}');
    expect(h.received).toEqual([
      { subject: Subjects.route, body, headers: { ...headers, 'sy-answer-x-switchyard-cache': 'BYPASS' } },
    ]);
  });

  it('stamps a deterministic miss with its key, TTL and size bound for whoever answers', async () => {
    const body = '{"model":"gpt-4o","temperature":0,"messages":[{"role":"user","content":"Hi"}]}';
    await send(body, { [Headers.requestId]: 'req-11', [Headers.model]: 'gpt-4o', [Headers.team]: 'search' });
    const forwarded = h.received.at(-1)!.headers;
    expect(forwarded[Headers.cacheKey]).toMatch(/^team%3asearch:gpt-4o:[0-9a-f]{64}$/);
    expect(forwarded[Headers.cacheTtlMs]).toBe('3600000');
    expect(forwarded['sy-answer-x-switchyard-cache']).toBe('MISS');
  });

  it('answers 503 at once when no router runs', async () => {
    await h.downstream[0]!.stop(0);
    await waitUntil(() => !h.presence.isAlive(StageNames.router));
    const frame = await send('{}', { [Headers.requestId]: 'req-10' });
    expect(frame.status).toBe(503);
  });
});

describe('cache stage (Redis store), coalescing without a router', () => {
  const WAIT_MS = 5_000;
  let redis: RedisHandle;
  let client: RedisConnection;
  let alone: StageHarness;

  beforeAll(async () => {
    redis = await startRedis();
    client = connectRedis({ url: redis.url, log, name: 'cache-test' });
    await client.whenReady(5_000);
    alone = await startStageHarness({
      name: 'cache',
      start: ({ nc, presence }) =>
        startCache({
          nc,
          presence,
          log,
          config: parseConfig({ redis: { url: redis.url }, cache: { coalesce: { wait_ms: WAIT_MS } } }),
        }),
      downstream: [],
    });
    // Past the start-up grace, during which a stage not yet heard from counts as running.
    await waitUntil(() => !alone.presence.isAlive(StageNames.router));
  });

  afterAll(async () => {
    await alone?.stop();
    await client?.close();
    await redis?.stop();
  });

  it('answers identical requests 503 at once, not after the coalescing wait, and frees the lock', async () => {
    const body = '{"model":"gpt-4o","temperature":0,"messages":[{"role":"user","content":"Nobody routes"}]}';
    const ask = (id: string) =>
      alone.send(Subjects.cache, body, { [Headers.requestId]: id, [Headers.model]: 'gpt-4o' });
    const started = Date.now();
    const frames = await Promise.all([ask('req-a'), ask('req-b')]);
    expect(frames.map((f) => f.status)).toEqual([503, 503]);
    expect(Date.now() - started).toBeLessThan(1_000);

    // One after the other: the first one's lock does not hold the next one back either.
    const again = Date.now();
    expect((await ask('req-c')).status).toBe(503);
    expect(Date.now() - again).toBeLessThan(1_000);
    const key = frames[0]!.headers?.get(answerHeader('x-switchyard-cache-key'));
    // `<namespace>:<model>:<sha-256 of the request>`: the key the lock was taken under.
    expect(key).toMatch(/:gpt-4o:[0-9a-f]{64}$/);
    await waitUntil(async () => (await client.client.exists(`sy:cache:v1:l:${key}`)) === 0, {
      timeoutMs: 1_000,
    });
  });
});
