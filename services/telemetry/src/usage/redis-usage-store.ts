import type { RedisConnection } from '@switchyard/store';
import {
  STORED_FIELDS,
  USAGE_RETENTION_DAYS,
  emptyCounters,
  encodeDims,
  queryDays,
  type DayTotals,
  type StoredCounters,
  type StoredField,
  type UsageEntry,
} from '../domain/usage.js';
import { APPLIED_TTL_MS, type UsageStore } from './usage-store.js';

/**
 * Adds requests of one day, each marked applied and its counters added in one atomic step, so a
 * replayed event (same id) adds nothing. KEYS: the day's applied set (id scored by stream
 * sequence), the day's hash. ARGV: applied set TTL (ms), hash TTL (s), then per request its
 * stream sequence, id, number of fields, and field/increment pairs. Returns 1 or 0 per request:
 * added, or applied already.
 */
const ADD_SCRIPT = `
local results = {}
local i = 3
while i <= #ARGV do
  local fields = tonumber(ARGV[i + 2])
  local added = redis.call('ZADD', KEYS[1], 'NX', ARGV[i], ARGV[i + 1])
  if added == 1 then
    for j = i + 3, i + 2 + 2 * fields, 2 do redis.call('HINCRBY', KEYS[2], ARGV[j], ARGV[j + 1]) end
  end
  results[#results + 1] = added
  i = i + 3 + 2 * fields
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return results
`;

// One hash per UTC day; the `{day}` hash tag keeps a day's applied set and hash in one cluster slot.
const dayKey = (day: string): string => `sy:usage:{${day}}`;
const appliedKey = (day: string): string => `sy:usage:{${day}}:applied`;
/** Hash field `<counter>|<dims JSON>`: one hash holds every group of the day. */
const FIELD_SEPARATOR = '|';
const HOUR_MS = 3_600_000;

/**
 * The days whose applied sets a prune reaches. An event the stream still holds is at most 24 h
 * old and was received before it was published: an hour either side covers requests running at
 * midnight and a publisher's clock a little off. A day missed keeps its ids until their TTL.
 */
const prunedDays = (now: number): string[] =>
  queryDays({ since: now - 25 * HOUR_MS, until: now + HOUR_MS }, now);

type AddCommand = (...args: (string | number)[]) => Promise<number[]>;

interface PendingAdd {
  entry: UsageEntry;
  seq: number;
  done: (added: boolean) => void;
  failed: (err: unknown) => void;
}

/**
 * Usage roll-ups in Redis: one hash per day, shared by every telemetry replica. The requests
 * added in one turn of the event loop (the events of a pull batch) go to Redis together, one
 * script call per day, instead of a command each.
 */
export function createRedisUsageStore(redis: RedisConnection, now: () => number = Date.now): UsageStore {
  redis.client.defineCommand('switchyardUsageAdd', { numberOfKeys: 2, lua: ADD_SCRIPT });
  const addCommand = (redis.client as unknown as { switchyardUsageAdd: AddCommand }).switchyardUsageAdd.bind(
    redis.client,
  );

  let pending: PendingAdd[] = [];
  const addDay = async (day: string, adds: PendingAdd[]): Promise<void> => {
    const args: (string | number)[] = [APPLIED_TTL_MS, USAGE_RETENTION_DAYS * 86_400];
    for (const { entry, seq } of adds) {
      const dims = encodeDims(entry.dims);
      const at = args.push(seq, entry.id, 0);
      for (const f of STORED_FIELDS)
        if (entry.counters[f] !== 0) args.push(`${f}${FIELD_SEPARATOR}${dims}`, entry.counters[f]);
      args[at - 1] = (args.length - at) / 2;
    }
    try {
      const added = await addCommand(appliedKey(day), dayKey(day), ...args);
      adds.forEach((add, i) => add.done(added[i] === 1));
    } catch (err) {
      for (const add of adds) add.failed(err);
    }
  };
  const addPending = (): void => {
    const byDay = new Map<string, PendingAdd[]>();
    for (const add of pending) {
      const adds = byDay.get(add.entry.day);
      if (adds === undefined) byDay.set(add.entry.day, [add]);
      else adds.push(add);
    }
    pending = [];
    for (const [day, adds] of byDay) void addDay(day, adds);
  };

  return {
    add(entry, seq) {
      return new Promise((done, failed) => {
        if (pending.length === 0) setImmediate(addPending);
        pending.push({ entry, seq, done, failed });
      });
    },
    async prune(ackFloorSeq) {
      await Promise.all(
        prunedDays(now()).map((day) => redis.client.zremrangebyscore(appliedKey(day), '-inf', ackFloorSeq)),
      );
    },
    async read(days) {
      const pipeline = redis.client.pipeline();
      for (const day of days) pipeline.hgetall(dayKey(day));
      const results = (await pipeline.exec()) ?? [];
      const totals: DayTotals[] = [];
      results.forEach(([err, hash], i) => {
        if (err) throw err;
        const fields = Object.entries(hash as Record<string, string>);
        if (fields.length === 0) return;
        const groups = new Map<string, StoredCounters>();
        for (const [field, value] of fields) {
          const at = field.indexOf(FIELD_SEPARATOR);
          const counter = field.slice(0, at) as StoredField;
          const key = field.slice(at + 1);
          let counters = groups.get(key);
          if (counters === undefined) groups.set(key, (counters = emptyCounters()));
          counters[counter] = Number(value);
        }
        totals.push({ day: days[i]!, groups });
      });
      return totals;
    },
    close: () => redis.close(),
  };
}
