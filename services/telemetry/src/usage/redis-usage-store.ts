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
} from '../domain/usage.js';
import { APPLIED_TTL_MS, type UsageStore } from './usage-store.js';

/**
 * Marks the request applied and adds its counters in one atomic step, so a replayed event (same
 * id) adds nothing. KEYS: the day's applied set (id scored by stream sequence), the day's hash.
 * ARGV: stream sequence, id, applied set TTL (ms), hash TTL (s), then field/increment pairs.
 */
const ADD_SCRIPT = `
if redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
for i = 5, #ARGV, 2 do redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 1
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

type AddCommand = (...args: (string | number)[]) => Promise<number>;

/** Usage roll-ups in Redis: one hash per day, shared by every telemetry replica. */
export function createRedisUsageStore(redis: RedisConnection, now: () => number = Date.now): UsageStore {
  redis.client.defineCommand('switchyardUsageAdd', { numberOfKeys: 2, lua: ADD_SCRIPT });
  const addCommand = (redis.client as unknown as { switchyardUsageAdd: AddCommand }).switchyardUsageAdd.bind(
    redis.client,
  );

  return {
    async add(entry, seq) {
      const dims = encodeDims(entry.dims);
      const increments: (string | number)[] = [];
      for (const f of STORED_FIELDS)
        if (entry.counters[f] !== 0) increments.push(`${f}${FIELD_SEPARATOR}${dims}`, entry.counters[f]);
      const applied = await addCommand(
        appliedKey(entry.day),
        dayKey(entry.day),
        seq,
        entry.id,
        APPLIED_TTL_MS,
        USAGE_RETENTION_DAYS * 86_400,
        ...increments,
      );
      return applied === 1;
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
