import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectBus, publishCompleted, type NatsConnection } from '@switchyard/bus';
import { EVENTS_STREAM, type RequestCompleted } from '@switchyard/contracts';
import { createLogger } from '@switchyard/log';
import { connectRedis, type RedisConnection } from '@switchyard/store';
import { startNats, startRedis, waitUntil, type RedisHandle, type ServiceHandle } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelLabel } from '../domain/model-label.js';
import { dayOf } from '../domain/usage.js';
import { createAccountRequest } from '../handlers/account-request.js';
import { createAppliedPruner } from '../usage/applied-pruner.js';
import { createRedisUsageStore } from '../usage/redis-usage-store.js';
import type { UsageStore } from '../usage/usage-store.js';
import { startEventsConsumer } from './events-consumer.js';

const log = createLogger({ name: 'test', level: 'silent' });
const modelLabel = createModelLabel({});

let nats: ServiceHandle;
let redis: RedisHandle;
let nc: NatsConnection;
let conn: RedisConnection;
let usage: UsageStore;

const event = (request_id: string): RequestCompleted => ({
  request_id,
  op: 'chat.completions',
  model: 'gpt-4o',
  key_id: 'app',
  stream: false,
  status: 200,
  received_at: Date.now(),
  duration_ms: 5,
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
});

const requestsToday = async (): Promise<number> => {
  const [totals] = await usage.read([dayOf(Date.now())]);
  return [...(totals?.groups.values() ?? [])].reduce((n, c) => n + c.requests, 0);
};

const consumerInfo = async () => (await jetstreamManager(nc)).consumers.info(EVENTS_STREAM, 'telemetry');
const markers = async (): Promise<number> => conn.client.zcard(`sy:usage:{${dayOf(Date.now())}}:applied`);

beforeAll(async () => {
  [nats, redis] = await Promise.all([startNats(), startRedis()]);
  nc = await connectBus({ url: nats.url, name: 'events-consumer-test', log });
  conn = connectRedis({ url: redis.url, log, name: 'sy-events-consumer-test' });
  await waitUntil(() => conn.ready);
  usage = createRedisUsageStore(conn);
});

afterAll(async () => {
  await nc?.close();
  await usage?.close();
  await Promise.all([redis?.stop(), nats?.stop()]);
});

describe('events consumer ack floor', () => {
  it('lets the usage store forget what was acknowledged, counting every event once', async () => {
    const accounting = await startEventsConsumer({
      nc,
      log,
      handle: createAccountRequest({ usage, modelLabel }),
      onAckFloor: createAppliedPruner({ usage, graceMs: 0 }),
      ackFloorIntervalMs: 100,
    });
    try {
      for (let i = 0; i < 300; i++) publishCompleted(nc, event(`floor-${i}`));
      await nc.flush();

      await waitUntil(async () => (await requestsToday()) === 300);
      await waitUntil(async () => (await consumerInfo()).ack_floor.stream_seq === 300);
      await waitUntil(async () => (await markers()) === 0, { timeoutMs: 3_000 });
      const info = await consumerInfo();
      expect(await markers()).toBeLessThanOrEqual(info.num_ack_pending);
      expect(await requestsToday()).toBe(300);
    } finally {
      await accounting.stop();
    }
  });

  it('goes on when a round fails, and reads no floor once stopped', async () => {
    const floors: number[] = [];
    const accounting = await startEventsConsumer({
      nc,
      log,
      handle: createAccountRequest({ usage, modelLabel }),
      onAckFloor: async (seq) => {
        floors.push(seq);
        if (floors.length === 1) throw new Error('store unreachable');
      },
      ackFloorIntervalMs: 50,
    });
    publishCompleted(nc, event('after-a-failed-round'));
    await nc.flush();
    await waitUntil(() => floors.length >= 3);
    await waitUntil(async () => (await requestsToday()) === 301);

    await accounting.stop();
    const seen = floors.length;
    await sleep(200);
    expect(floors.length).toBe(seen);
  });
});
