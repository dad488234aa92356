import { randomUUID } from 'node:crypto';
import { createLogger } from '@switchyard/log';
import { connectRedis, type RedisConnection } from '@switchyard/store';
import { startRedis, waitUntil, type RedisHandle } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdmitRequest, LimitStore, ReconcileRequest, ScopeLimits } from './limit-store.js';
import { createMemoryLimitStore } from './memory-limit-store.js';
import { createRedisLimitStore } from './redis-limit-store.js';

const log = createLogger({ name: 'test', level: 'silent' });

let redis: RedisHandle;
const connections: RedisConnection[] = [];
const redisStore = async (): Promise<LimitStore> => {
  const c = connectRedis({ url: redis.url, log, name: 'limit-store-test' });
  connections.push(c);
  await waitUntil(() => c.ready);
  return createRedisLimitStore(c);
};

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(connections.map((c) => c.close()));
  await redis?.stop();
});

/** A scope nobody else uses, so runs against one Redis never share counters. */
const scope = (kind = 'key'): string => `${kind}:t-${randomUUID().slice(0, 8)}`;
const admitOf = (scopes: ScopeLimits[], extra: Partial<AdmitRequest> = {}): AdmitRequest => ({
  requestId: randomUUID(),
  tokens: 0,
  deadline: Date.now() + 60_000,
  scopes,
  ...extra,
});
const settle = (
  requestId: string,
  scopes: string[],
  extra: Partial<ReconcileRequest> = {},
): ReconcileRequest => ({
  requestId,
  admitted: true,
  tokenDelta: 0,
  costUsd: 0,
  scopes,
  periods: [{ id: 'p1' }],
  ...extra,
});

// The same table runs against Redis (shared by replicas) and memory (one process): one set of rules.
describe.each([
  ['Redis', redisStore],
  ['memory', () => createMemoryLimitStore()],
])('limit store in %s', (_name, makeStore) => {
  let store: LimitStore;
  beforeAll(async () => {
    store = await makeStore();
  });

  it('admits a full minute of requests at once, then refuses with the wait until one is back', async () => {
    const s = { scope: scope(), rpm: 3 };
    const remaining: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await store.admit(admitOf([s]));
      expect(r.refused).toBeUndefined();
      remaining.push(r.scopes[0]!.requests!.remaining);
    }
    expect(remaining).toEqual([2, 1, 0]);
    const refused = await store.admit(admitOf([s]));
    expect(refused.refused).toMatchObject({ reason: 'requests', scope: s.scope });
    // One request comes back every 20 s; a little of that has passed already.
    expect(refused.refused!.retryAfterMs).toBeGreaterThan(15_000);
    expect(refused.refused!.retryAfterMs).toBeLessThanOrEqual(20_000);
    expect(refused.scopes[0]!.requests).toMatchObject({ remaining: 0 });
    expect(refused.scopes[0]!.requests!.resetMs).toBeGreaterThan(55_000);
  });

  it('is exact under concurrency: 50 at once against 10 per minute admit exactly 10', async () => {
    const s = { scope: scope(), rpm: 10 };
    const results = await Promise.all(Array.from({ length: 50 }, () => store.admit(admitOf([s]))));
    expect(results.filter((r) => r.refused === undefined)).toHaveLength(10);
  });

  it('reserves tokens, and gives back what the usage did not take', async () => {
    const s = { scope: scope(), tpm: 1000 };
    const first = admitOf([s], { tokens: 600 });
    expect((await store.admit(first)).scopes[0]!.tokens!.remaining).toBe(400);
    const over = await store.admit(admitOf([s], { tokens: 600 }));
    expect(over.refused).toMatchObject({ reason: 'tokens' });
    // It used 100 of its 600: 500 come back.
    await store.reconcile(settle(first.requestId, [s.scope], { tokenDelta: -500 }));
    expect((await store.admit(admitOf([s], { tokens: 600 }))).refused).toBeUndefined();
  });

  it('takes more when the usage was above the reservation', async () => {
    const s = { scope: scope(), tpm: 1000 };
    const first = admitOf([s], { tokens: 100 });
    await store.admit(first);
    await store.reconcile(settle(first.requestId, [s.scope], { tokenDelta: 700 }));
    expect((await store.admit(admitOf([s], { tokens: 300 }))).refused).toMatchObject({ reason: 'tokens' });
  });

  it('holds a concurrency slot until the request is settled, or until its deadline', async () => {
    const s = { scope: scope(), maxConcurrency: 2 };
    const a = admitOf([s]);
    const b = admitOf([s], { deadline: Date.now() + 1000 });
    expect((await store.admit(a)).refused).toBeUndefined();
    expect((await store.admit(b)).refused).toBeUndefined();
    expect((await store.admit(admitOf([s]))).refused).toMatchObject({
      reason: 'concurrency',
      retryAfterMs: 1000,
    });

    await store.reconcile(settle(a.requestId, [s.scope]));
    const c = admitOf([s]);
    expect((await store.admit(c)).refused).toBeUndefined();
    expect((await store.admit(admitOf([s]))).refused).toMatchObject({ reason: 'concurrency' });
    // b's completion is never heard of: its slot frees itself at its deadline.
    await new Promise((resolve) => setTimeout(resolve, b.deadline + 50 - Date.now()));
    expect((await store.admit(admitOf([s]))).refused).toBeUndefined();
  });

  it('frees a slot settled just before the next admission, without waiting for the settlement', async () => {
    const s = { scope: scope(), maxConcurrency: 1 };
    const a = admitOf([s]);
    expect((await store.admit(a)).refused).toBeUndefined();
    // As policy does when a one-at-a-time key's answer and its next request come together.
    const settled = store.reconcile(settle(a.requestId, [s.scope]));
    expect((await store.admit(admitOf([s]))).refused).toBeUndefined();
    await settled;
  });

  it('counts the same request id in flight once only: a second one waits', async () => {
    const s = { scope: scope(), maxConcurrency: 5 };
    const a = admitOf([s]);
    await store.admit(a);
    expect((await store.admit({ ...a })).refused).toMatchObject({ reason: 'concurrency' });
    // Settling a request policy refused frees nothing.
    await store.reconcile(settle(a.requestId, [s.scope], { admitted: false }));
    expect((await store.admit({ ...a })).refused).toMatchObject({ reason: 'concurrency' });
  });

  it('refuses once the period’s spend reaches the budget, other periods apart', async () => {
    const s = { scope: scope(), budget: { maxUsd: 1, periodId: 'p1' } };
    const a = admitOf([s]);
    expect((await store.admit(a)).refused).toBeUndefined();
    await store.reconcile(settle(a.requestId, [s.scope], { costUsd: 0.6 }));
    expect((await store.admit(admitOf([s]))).scopes[0]!.spendUsd).toBeCloseTo(0.6);
    await store.reconcile(settle('other', [s.scope], { costUsd: 0.4, admitted: false }));
    const refused = await store.admit(admitOf([s]));
    expect(refused.refused).toEqual({ reason: 'budget', scope: s.scope });
    expect(refused.scopes[0]!.spendUsd).toBeCloseTo(1);
    expect(await store.spend(s.scope, 'p1')).toBeCloseTo(1);
    expect(
      (await store.admit(admitOf([{ ...s, budget: { maxUsd: 1, periodId: 'p2' } }]))).refused,
    ).toBeUndefined();
  });

  it('reserves against key and team together or not at all', async () => {
    const key = { scope: scope('key'), rpm: 10 };
    const team = { scope: scope('team'), rpm: 1 };
    expect((await store.admit(admitOf([key, team]))).refused).toBeUndefined();
    const refused = await store.admit(admitOf([key, team]));
    expect(refused.refused).toMatchObject({ reason: 'requests', scope: team.scope });
    // The refused request took nothing from the key.
    expect(refused.scopes[0]!.requests!.remaining).toBe(9);
    expect((await store.admit(admitOf([key]))).scopes[0]!.requests!.remaining).toBe(8);
  });

  it('says budget before any rate limit, as waiting would not help', async () => {
    const s = { scope: scope(), rpm: 1, budget: { maxUsd: 0.5, periodId: 'p1' } };
    const a = admitOf([s]);
    await store.admit(a);
    await store.reconcile(settle(a.requestId, [s.scope], { costUsd: 1 }));
    expect((await store.admit(admitOf([s]))).refused).toEqual({ reason: 'budget', scope: s.scope });
  });
});

describe('limit store in Redis, across replicas', () => {
  it('two clients (two policy replicas) share one exact count', async () => {
    const [a, b] = await Promise.all([redisStore(), redisStore()]);
    const s = { scope: scope(), rpm: 10 };
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).admit(admitOf([s]))),
    );
    expect(results.filter((r) => r.refused === undefined)).toHaveLength(10);
  });
});

describe('limit store in Redis, settling', () => {
  it('settles the requests of one turn with one script call', async () => {
    const store = await redisStore();
    const s = { scope: scope(), maxConcurrency: 20 };
    const admitted = [];
    for (let i = 0; i < 20; i++) admitted.push(admitOf([s]));
    for (const a of admitted) expect((await store.admit(a)).refused).toBeUndefined();
    const client = connections.at(-1)!.client;
    await client.config('RESETSTAT');

    await Promise.all(admitted.map((a) => store.reconcile(settle(a.requestId, [s.scope], { costUsd: 0.5 }))));

    const stats = await client.info('commandstats');
    const calls = [...stats.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)].map((m) => Number(m[1]));
    expect(calls.reduce((n, c) => n + c, 0)).toBe(1);
    expect(await store.spend(s.scope, 'p1')).toBeCloseTo(10);
    for (let i = 0; i < 20; i++) expect((await store.admit(admitOf([s]))).refused).toBeUndefined();
  });
});
