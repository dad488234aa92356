import { describe, expect, it } from 'vitest';
import { emptyCounters, type UsageEntry } from '../domain/usage.js';
import { createAppliedPruner } from './applied-pruner.js';
import { APPLIED_TTL_MS, createMemoryUsageStore, type UsageStore } from './usage-store.js';

const DAY = '2026-11-27';
const entry = (id: string): UsageEntry => ({
  id,
  day: DAY,
  dims: ['app', null, 'gpt-4o'],
  counters: { ...emptyCounters(), requests: 1, completion_tokens: 3 },
});

const requests = async (usage: UsageStore): Promise<number> => {
  const [totals] = await usage.read([DAY]);
  return [...(totals?.groups.values() ?? [])].reduce((n, c) => n + c.requests, 0);
};

describe('in-memory usage store', () => {
  it('forgets the applied ids up to the ack floor, keeps the totals, and still counts each event once', async () => {
    const usage = createMemoryUsageStore();
    for (let seq = 1; seq <= 500; seq++) expect(await usage.add(entry(`r-${seq}`), seq)).toBe(true);

    await usage.prune(500);

    expect(await requests(usage)).toBe(500);
    expect(await usage.add(entry('r-501'), 501)).toBe(true);
    expect(await usage.add(entry('r-501'), 501)).toBe(false);
    expect(await requests(usage)).toBe(501);
  });

  it('still refuses a replay above the floor', async () => {
    const usage = createMemoryUsageStore();
    for (let seq = 1; seq <= 10; seq++) await usage.add(entry(`r-${seq}`), seq);
    await usage.prune(6);

    for (let seq = 7; seq <= 10; seq++) expect(await usage.add(entry(`r-${seq}`), seq)).toBe(false);
    // Pruned: the same id stored again as a new event is a new request to the store.
    expect(await usage.add(entry('r-6'), 11)).toBe(true);
    expect(await requests(usage)).toBe(11);
  });

  it('forgets an id no prune reached once its TTL is over', async () => {
    let now = Date.UTC(2026, 10, 27, 12);
    const usage = createMemoryUsageStore(() => now);
    await usage.add(entry('r-1'), 1);
    now += APPLIED_TTL_MS - 1;
    expect(await usage.add(entry('r-1'), 1)).toBe(false);
    now += 60_001;
    expect(await usage.add(entry('r-1'), 1)).toBe(true);
  });
});

describe('applied pruner', () => {
  it('prunes with each ack floor once it is graceMs old', async () => {
    let now = 0;
    const usage = createMemoryUsageStore(() => now);
    const pruneWith = createAppliedPruner({ usage, graceMs: 120_000, now: () => now });
    for (let seq = 1; seq <= 30; seq++) await usage.add(entry(`r-${seq}`), seq);

    await pruneWith(10);
    now += 60_000;
    await pruneWith(20);
    // Read a minute ago and just now: both floors are still within the grace.
    expect(await usage.add(entry('r-1'), 1)).toBe(false);

    now += 60_000;
    await pruneWith(30);
    // The floor read two minutes ago applies (ids up to 10 forgotten), the later ones not yet.
    expect(await usage.add(entry('r-10'), 31)).toBe(true);
    expect(await usage.add(entry('r-11'), 11)).toBe(false);

    now += 60_000;
    await pruneWith(30);
    expect(await usage.add(entry('r-20'), 32)).toBe(true);
    expect(await usage.add(entry('r-21'), 21)).toBe(false);
  });

  it('prunes with the floor just read when there is no grace', async () => {
    const usage = createMemoryUsageStore();
    await usage.add(entry('r-1'), 1);
    await createAppliedPruner({ usage, graceMs: 0 })(1);
    expect(await usage.add(entry('r-1'), 2)).toBe(true);
  });
});
