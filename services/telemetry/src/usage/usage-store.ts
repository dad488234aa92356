import {
  STORED_FIELDS,
  USAGE_RETENTION_DAYS,
  dayOf,
  emptyCounters,
  encodeDims,
  type DayTotals,
  type StoredCounters,
  type UsageEntry,
} from '../domain/usage.js';

/** Where usage roll-ups live: Redis hashes when `redis.url` is set, this process's memory otherwise. */
export interface UsageStore {
  /**
   * Adds one request to its day's totals, at most once per entry id: false when it was added
   * already (a replayed event). Throws when the store cannot be reached.
   */
  add(entry: UsageEntry): Promise<boolean>;
  /** The totals of the given days (a day with none is left out). */
  read(days: readonly string[]): Promise<DayTotals[]>;
  close(): Promise<void>;
}

/**
 * How long an applied request id is remembered: longer than the events stream keeps an event,
 * so no replay of it can be counted twice.
 */
export const APPLIED_TTL_MS = 26 * 3_600_000;

/** The single-process store: totals and applied ids in memory, gone when the process ends. */
export function createMemoryUsageStore(now: () => number = Date.now): UsageStore {
  const days = new Map<string, Map<string, StoredCounters>>();
  /** Applied id → when it may be forgotten. */
  const applied = new Map<string, number>();
  let nextSweep = now() + 60_000;

  const sweep = (): void => {
    const t = now();
    if (t < nextSweep) return;
    nextSweep = t + 60_000;
    // Insertion order is expiry order (one TTL for all): stop at the first live id.
    for (const [id, expires] of applied) {
      if (expires > t) break;
      applied.delete(id);
    }
    const oldest = dayOf(t - USAGE_RETENTION_DAYS * 86_400_000);
    for (const day of days.keys()) if (day < oldest) days.delete(day);
  };

  return {
    async add(entry) {
      sweep();
      if (applied.has(entry.id)) return false;
      applied.set(entry.id, now() + APPLIED_TTL_MS);
      let groups = days.get(entry.day);
      if (groups === undefined) days.set(entry.day, (groups = new Map()));
      const key = encodeDims(entry.dims);
      let counters = groups.get(key);
      if (counters === undefined) groups.set(key, (counters = emptyCounters()));
      for (const f of STORED_FIELDS) counters[f] += entry.counters[f];
      return true;
    },
    async read(wanted) {
      return wanted.flatMap((day) => {
        const groups = days.get(day);
        return groups === undefined ? [] : [{ day, groups }];
      });
    },
    async close() {},
  };
}
