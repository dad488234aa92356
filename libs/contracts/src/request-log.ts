import { z } from 'zod';
import { RequestCompleted, RequestContent } from './events.js';

/**
 * One request as the request log keeps it: who asked (key id, team), for what (alias, provider,
 * deployment), how it ended (status, tokens, cost, latency, attempts) and how to find its trace.
 * Never a key; the prompt and answer only when `record_content` is on, and then redacted.
 */
export const RequestRecord = RequestCompleted.omit({ attempt: true }).extend({
  /** Attempts the request made (deployments tried, retries and fallbacks included). */
  attempts: z.int().min(1).optional(),
  /** The redacted prompt and answer, when `telemetry.request_log.record_content` was on. */
  content: RequestContent.omit({ request_id: true }).optional(),
});
export type RequestRecord = z.infer<typeof RequestRecord>;

/** `429` exactly, or a class: `4xx`. */
const StatusFilter = z.string().regex(/^[1-5](?:\d\d|xx)$/, 'a status (429) or a class (4xx)');

/** Filters of a request log query (`llm.v1.admin.requests.query`); all optional, combined with AND. */
export const RequestLogQuery = z.strictObject({
  key_id: z.string().min(1).optional(),
  team: z.string().min(1).optional(),
  /** The alias the caller asked for. */
  model: z.string().min(1).optional(),
  status: StatusFilter.optional(),
  /** Received at or after, epoch milliseconds. */
  since: z.number().min(0).optional(),
  /** Received before, epoch milliseconds. */
  until: z.number().min(0).optional(),
  /** Most records returned, newest first. */
  limit: z.int().min(1).max(1000).default(100),
});
export type RequestLogQuery = z.infer<typeof RequestLogQuery>;

export const RequestLogPage = z.object({
  object: z.literal('list'),
  /** Newest first. */
  data: z.array(RequestRecord),
  /** More records matched than `limit`: narrow the time range to see the older ones. */
  has_more: z.boolean(),
});
export type RequestLogPage = z.infer<typeof RequestLogPage>;

/** Whether a status matches a filter (`429`, `4xx`). */
export function statusMatches(status: number, filter: string): boolean {
  const s = String(status);
  return filter.endsWith('xx') ? s[0] === filter[0] : s === filter;
}

/** What usage rows are grouped by, besides the day: the key, the key's team or the model alias. */
export const USAGE_GROUPS = ['key', 'team', 'model'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

/** A usage query (`llm.v1.admin.usage.query`): filters combined with AND. */
export const UsageQuery = z.strictObject({
  group_by: z.enum(USAGE_GROUPS).default('key'),
  /** From this instant's UTC day on, epoch milliseconds; default: 30 days ago. */
  since: z.number().min(0).optional(),
  /** Up to this instant's UTC day (included), epoch milliseconds; default: now. */
  until: z.number().min(0).optional(),
  key_id: z.string().min(1).optional(),
  team: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
});
export type UsageQuery = z.infer<typeof UsageQuery>;

/** The counters of one group on one day. */
export const UsageCounters = z.object({
  requests: z.int().min(0),
  /** Requests answered with a status of 400 or more. */
  errors: z.int().min(0),
  prompt_tokens: z.int().min(0),
  completion_tokens: z.int().min(0),
  cached_tokens: z.int().min(0),
  cost_usd: z.number().min(0),
  /** Requests answered from the response cache. */
  cache_hits: z.int().min(0),
  /** What the cache hits would have cost. */
  saved_usd: z.number().min(0),
});
export type UsageCounters = z.infer<typeof UsageCounters>;

/** One row: a UTC day, the group's value (`key_id`, `team` or `model`; null when the requests had none) and its counters. */
export const UsageRow = UsageCounters.extend({
  /** `YYYY-MM-DD`, UTC. */
  day: z.string(),
  key_id: z.string().nullable().optional(),
  team: z.string().nullable().optional(),
  model: z.string().nullable().optional(),
});
export type UsageRow = z.infer<typeof UsageRow>;

export const UsagePage = z.object({
  object: z.literal('list'),
  /** By day, then by group value. */
  data: z.array(UsageRow),
});
export type UsagePage = z.infer<typeof UsagePage>;
