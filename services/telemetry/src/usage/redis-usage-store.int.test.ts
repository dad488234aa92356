import { createLogger } from '@switchyard/log';
import { connectRedis, type RedisConnection } from '@switchyard/store';
import { startRedis, waitUntil, type RedisHandle } from '@switchyard/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emptyCounters, type UsageEntry } from '../domain/usage.js';
import { createRedisUsageStore } from './redis-usage-store.js';
import type { UsageStore } from './usage-store.js';

const NOW = Date.UTC(2026, 10, 27, 12);
const DAY = '2026-11-27';
const APPLIED = `sy:usage:{${DAY}}:applied`;

const entry = (id: string, day = DAY): UsageEntry => ({
  id,
  day,
  dims: ['app', 'search', 'gpt-4o'],
  counters: { ...emptyCounters(), requests: 1, prompt_tokens: 10, cost_nusd: 7 },
});

let redis: RedisHandle;
let conn: RedisConnection;
let usage: UsageStore;

const totals = async (day = DAY): Promise<Record<string, number>> => {
  const [found] = await usage.read([day]);
  const [counters] = found === undefined ? [] : [...found.groups.values()];
  return { requests: counters?.requests ?? 0, prompt_tokens: counters?.prompt_tokens ?? 0 };
};

beforeAll(async () => {
  redis = await startRedis();
  conn = connectRedis({
    url: redis.url,
    log: createLogger({ name: 'test', level: 'silent' }),
    name: 'sy-usage-test',
  });
  await waitUntil(() => conn.ready);
  usage = createRedisUsageStore(conn, () => NOW);
});

beforeEach(async () => {
  await conn.client.flushdb();
});

afterAll(async () => {
  await usage?.close();
  await redis?.stop();
});

describe('Redis usage store', () => {
  it('forgets the applied ids up to the ack floor and keeps the totals', async () => {
    for (let seq = 1; seq <= 500; seq++) expect(await usage.add(entry(`r-${seq}`), seq)).toBe(true);
    expect(await conn.client.zcard(APPLIED)).toBe(500);

    await usage.prune(500);

    expect(await conn.client.exists(APPLIED)).toBe(0);
    expect(await totals()).toEqual({ requests: 500, prompt_tokens: 5_000 });
    // An event past the floor is still counted once, and its replay refused.
    expect(await usage.add(entry('r-501'), 501)).toBe(true);
    expect(await usage.add(entry('r-501'), 501)).toBe(false);
    expect(await totals()).toEqual({ requests: 501, prompt_tokens: 5_010 });
  });

  it('adds the requests of one turn with one script call per day, each once', async () => {
    await usage.add(entry('warm-up'), 1);
    await conn.client.config('RESETSTAT');
    const adds = [
      ...Array.from({ length: 60 }, (_, i) => usage.add(entry(`t-${i}`), 10 + i)),
      ...Array.from({ length: 20 }, (_, i) => usage.add(entry(`y-${i}`, '2026-11-26'), 100 + i)),
      usage.add(entry('t-0'), 10),
      usage.add(entry('warm-up'), 1),
    ];
    const added = await Promise.all(adds);

    expect(added.filter(Boolean)).toHaveLength(80);
    expect(added.slice(-2)).toEqual([false, false]);
    expect(await totals()).toEqual({ requests: 61, prompt_tokens: 610 });
    expect(await totals('2026-11-26')).toEqual({ requests: 20, prompt_tokens: 200 });
    const stats = await conn.client.info('commandstats');
    const calls = [...stats.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)].map((m) => Number(m[1]));
    expect(calls.reduce((n, c) => n + c, 0)).toBe(2);
  });

  it('still refuses a replay above the floor, and remembers nothing old after a prune', async () => {
    for (let seq = 1; seq <= 10; seq++) await usage.add(entry(`r-${seq}`), seq);
    await usage.prune(6);

    expect(await conn.client.zrange(APPLIED, 0, -1)).toEqual(['r-7', 'r-8', 'r-9', 'r-10']);
    for (let seq = 7; seq <= 10; seq++) expect(await usage.add(entry(`r-${seq}`), seq)).toBe(false);
    expect(await totals()).toEqual({ requests: 10, prompt_tokens: 100 });
  });

  it('prunes the days an event still in the stream may be counted under, and keeps a TTL on each', async () => {
    await usage.add(entry('yesterday', '2026-11-26'), 1);
    await usage.add(entry('today', DAY), 2);
    const yesterday = 'sy:usage:{2026-11-26}:applied';
    expect(await conn.client.pttl(yesterday)).toBeGreaterThan(24 * 3_600_000);

    await usage.prune(2);

    expect(await conn.client.exists(yesterday, APPLIED)).toBe(0);
    expect(await totals('2026-11-26')).toEqual({ requests: 1, prompt_tokens: 10 });
  });
});
