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
   * already (a replayed event). `seq` is the event's stream sequence: the id is remembered until
   * `prune` is given an ack floor at or above it. Throws when the store cannot be reached.
   */
  add(entry: UsageEntry, seq: number): Promise<boolean>;
  /**
   * Forgets the ids of events at or below the events consumer's ack floor: acknowledged, they are
   * never delivered again. Throws when the store cannot be reached.
   */
  prune(ackFloorSeq: number): Promise<void>;
  /** The totals of the given days (a day with none is left out). */
  read(days: readonly string[]): Promise<DayTotals[]>;
  close(): Promise<void>;
}

/**
 * A backstop for ids no prune reaches (the ack floor unreadable for hours, a recreated stream):
 * longer than the stream keeps an event, so an id is never forgotten while its event can come back.
 */
export const APPLIED_TTL_MS = 26 * 3_600_000;

/** The single-process store: totals and applied ids in memory, gone when the process ends. */
export function createMemoryUsageStore(now: () => number = Date.now): UsageStore {
  const days = new Map<string, Map<string, StoredCounters>>();
  /** Applied id → its event's stream sequence, and when it is forgotten if no prune got to it. */
  const applied = new Map<string, { seq: number; expires: number }>();
  let nextSweep = now() + 60_000;

  const sweep = (): void => {
    const t = now();
    if (t < nextSweep) return;
    nextSweep = t + 60_000;
    // Insertion order is expiry order (one TTL for all): stop at the first live id.
    for (const [id, { expires }] of applied) {
      if (expires > t) break;
      applied.delete(id);
    }
    const oldest = dayOf(t - USAGE_RETENTION_DAYS * 86_400_000);
    for (const day of days.keys()) if (day < oldest) days.delete(day);
  };

  return {
    async add(entry, seq) {
      sweep();
      if (applied.has(entry.id)) return false;
      applied.set(entry.id, { seq, expires: now() + APPLIED_TTL_MS });
      let groups = days.get(entry.day);
      if (groups === undefined) days.set(entry.day, (groups = new Map()));
      const key = encodeDims(entry.dims);
      let counters = groups.get(key);
      if (counters === undefined) groups.set(key, (counters = emptyCounters()));
      for (const f of STORED_FIELDS) counters[f] += entry.counters[f];
      return true;
    },
    async prune(ackFloorSeq) {
      for (const [id, { seq }] of applied) if (seq <= ackFloorSeq) applied.delete(id);
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
