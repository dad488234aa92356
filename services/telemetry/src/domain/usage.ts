import {
  GatewayError,
  type RequestCompleted,
  type UsageCounters,
  type UsageGroup,
  type UsageQuery,
  type UsageRow,
} from '@switchyard/contracts';

/**
 * What the store adds up per (day, key, team, model), all integers so that sums are exact in any
 * store: money in nano-USD (1e-9), well below any price's precision.
 */
export const STORED_FIELDS = [
  'requests',
  'errors',
  'prompt_tokens',
  'completion_tokens',
  'cached_tokens',
  'cost_nusd',
  'cache_hits',
  'saved_nusd',
] as const;
export type StoredField = (typeof STORED_FIELDS)[number];
export type StoredCounters = Record<StoredField, number>;

/** The key, team and model alias a request is counted under (null: the request had none). */
export type UsageDims = readonly [keyId: string | null, team: string | null, model: string | null];

/** One request's contribution to its day's totals. */
export interface UsageEntry {
  /** Adding the same id twice counts it once. */
  id: string;
  /** `YYYY-MM-DD` (UTC) of when the request was received. */
  day: string;
  dims: UsageDims;
  counters: StoredCounters;
}

/** The totals of one day: encoded dims (`encodeDims`) → counters. */
export interface DayTotals {
  day: string;
  groups: ReadonlyMap<string, StoredCounters>;
}

/** How long a day's totals are kept. */
export const USAGE_RETENTION_DAYS = 400;
/** The range a query may span. */
const MAX_QUERY_DAYS = USAGE_RETENTION_DAYS;
const DEFAULT_QUERY_DAYS = 30;
const DAY_MS = 86_400_000;
const NANO = 1e9;

export const dayOf = (epochMs: number): string => new Date(epochMs).toISOString().slice(0, 10);
export const encodeDims = (dims: UsageDims): string => JSON.stringify(dims);
export const decodeDims = (encoded: string): UsageDims => JSON.parse(encoded) as UsageDims;

export const emptyCounters = (): StoredCounters =>
  Object.fromEntries(STORED_FIELDS.map((f) => [f, 0])) as StoredCounters;

/**
 * The usage entry of a completed request. `model` is the bounded metrics label (an alias, not a
 * name a caller made up); `id` is the request id, or the stream sequence for an event without one.
 */
export function toUsageEntry(e: RequestCompleted, model: string, fallbackId: string): UsageEntry {
  const usage = e.usage;
  return {
    id: e.request_id === 'unknown' ? fallbackId : e.request_id,
    day: dayOf(e.received_at),
    dims: [e.key_id ?? null, e.team ?? null, model],
    counters: {
      requests: 1,
      errors: e.status >= 400 ? 1 : 0,
      prompt_tokens: usage?.prompt_tokens ?? 0,
      completion_tokens: usage?.completion_tokens ?? 0,
      cached_tokens: usage?.cached_tokens ?? 0,
      cost_nusd: Math.round((e.cost_usd ?? 0) * NANO),
      cache_hits: e.cache === 'hit' ? 1 : 0,
      saved_nusd: Math.round((e.saved_usd ?? 0) * NANO),
    },
  };
}

/** The UTC days a query covers, oldest first; a range longer than the retention is a 400. */
export function queryDays(q: Pick<UsageQuery, 'since' | 'until'>, now: number): string[] {
  const until = q.until ?? now;
  const since = q.since ?? until - (DEFAULT_QUERY_DAYS - 1) * DAY_MS;
  if (since > until)
    throw new GatewayError('invalid_request', 'Invalid since: it is after until.', { param: 'since' });
  const first = Date.parse(dayOf(since));
  const count = Math.floor((Date.parse(dayOf(until)) - first) / DAY_MS) + 1;
  if (count > MAX_QUERY_DAYS)
    throw new GatewayError(
      'invalid_request',
      `Invalid since: a query spans at most ${MAX_QUERY_DAYS} days.`,
      { param: 'since' },
    );
  return Array.from({ length: count }, (_, i) => dayOf(first + i * DAY_MS));
}

const GROUP_FIELD: Record<UsageGroup, 'key_id' | 'team' | 'model'> = {
  key: 'key_id',
  team: 'team',
  model: 'model',
};

const toRowCounters = (c: StoredCounters): UsageCounters => ({
  requests: c.requests,
  errors: c.errors,
  prompt_tokens: c.prompt_tokens,
  completion_tokens: c.completion_tokens,
  cached_tokens: c.cached_tokens,
  cost_usd: c.cost_nusd / NANO,
  cache_hits: c.cache_hits,
  saved_usd: c.saved_nusd / NANO,
});

/** The rows of a query: the days' totals filtered, then summed per day and group value. */
export function usageRows(days: readonly DayTotals[], q: UsageQuery): UsageRow[] {
  const field = GROUP_FIELD[q.group_by];
  const rows: UsageRow[] = [];
  for (const { day, groups } of days) {
    const byValue = new Map<string | null, StoredCounters>();
    for (const [encoded, counters] of groups) {
      const [key_id, team, model] = decodeDims(encoded);
      if (q.key_id !== undefined && key_id !== q.key_id) continue;
      if (q.team !== undefined && team !== q.team) continue;
      if (q.model !== undefined && model !== q.model) continue;
      const value = { key_id, team, model }[field];
      let sum = byValue.get(value);
      if (sum === undefined) byValue.set(value, (sum = emptyCounters()));
      for (const f of STORED_FIELDS) sum[f] += counters[f];
    }
    const values = [...byValue.keys()].sort((a, b) => (a ?? '').localeCompare(b ?? ''));
    for (const value of values) rows.push({ day, [field]: value, ...toRowCounters(byValue.get(value)!) });
  }
  return rows;
}
