import { z } from 'zod';

/**
 * Emitted once per request by whoever gave its final answer (the worker, a stage that refused
 * it, or the ingress for a request that never reached the bus). Consumed off the request path
 * by telemetry, and later by policy (usage), cache (store) and router (health).
 */
export const RequestCompleted = z.object({
  request_id: z.string(),
  op: z.string(),
  /** The alias the caller asked for. */
  model: z.string().optional(),
  key_id: z.string().optional(),
  team: z.string().optional(),
  provider: z.string().optional(),
  deployment: z.string().optional(),
  upstream_model: z.string().optional(),
  stream: z.boolean(),
  /** HTTP status the caller saw. */
  status: z.int(),
  error_code: z.string().optional(),
  /** Epoch milliseconds when the gateway received the request. */
  received_at: z.number(),
  duration_ms: z.number().min(0),
  /** Time to the first frame of the answer. */
  ttft_ms: z.number().min(0).optional(),
  /**
   * Tokens as OpenAI counts them: `prompt_tokens` counts every input token, including those read
   * from (`cached_tokens`) or written to (`cache_creation_tokens`) the provider's prompt cache.
   */
  usage: z
    .object({
      prompt_tokens: z.int().min(0),
      completion_tokens: z.int().min(0),
      total_tokens: z.int().min(0),
      cached_tokens: z.int().min(0).optional(),
      cache_creation_tokens: z.int().min(0).optional(),
    })
    .optional(),
  /**
   * `usage` is partly estimated, not all reported by the provider: a stream cancelled before the
   * provider reported its final usage (completion tokens counted from the chunks forwarded).
   */
  usage_estimated: z.boolean().optional(),
  /** What the usage cost at the model's list (or configured) price; absent when the price is unknown. */
  cost_usd: z.number().min(0).optional(),
  attempt: z.int().min(1).optional(),
  /** What the response cache did: `hit` (answered from it, no upstream call), `miss`, `bypass`. */
  cache: z.enum(['hit', 'miss', 'bypass']).optional(),
  /** On a cache hit: what the answer cost when it was first made, i.e. the money the hit saved. */
  saved_usd: z.number().min(0).optional(),
  /** W3C trace id of the request (from its `traceparent`), to find its trace from a log line. */
  trace_id: z.string().optional(),
  /**
   * Tokens policy reserved against tokens-per-minute limits, replaced by `usage` when it reconciles;
   * absent when the request held no reservation or concurrency slot.
   */
  reserved_tokens: z.int().min(0).optional(),
});
export type RequestCompleted = z.infer<typeof RequestCompleted>;

/**
 * Emitted by the router each time it sends a request to a deployment. Every router replica
 * counts in-flight requests per deployment from these (least-busy) and sees half-open probes.
 */
export const AttemptStarted = z.object({
  request_id: z.string(),
  /** The alias whose deployment was picked. */
  model: z.string(),
  provider: z.string(),
  deployment: z.string(),
  attempt: z.int().min(1),
  /** Epoch milliseconds. */
  at: z.number(),
  /** The request's deadline, epoch milliseconds: an attempt never heard of again is dropped then. */
  deadline: z.number().optional(),
});
export type AttemptStarted = z.infer<typeof AttemptStarted>;

/**
 * Emitted by a worker whose attempt failed before the first byte and which sent the request back
 * to the router for another. The request's final answer still has its one `request.completed`.
 */
export const AttemptFailed = z.object({
  request_id: z.string(),
  model: z.string().optional(),
  provider: z.string(),
  deployment: z.string(),
  /** HTTP status of the failure. */
  status: z.int(),
  error_code: z.string(),
  /** OpenAI's finer code, when the failure had one (e.g. `context_length_exceeded`). */
  openai_code: z.string().optional(),
  retry_after_ms: z.number().min(0).optional(),
  attempt: z.int().min(1),
});
export type AttemptFailed = z.infer<typeof AttemptFailed>;

/**
 * Emitted (at most about once a second per process) while a service cannot reach a store it needs
 * on the request path, e.g. Redis for limits or the cache; telemetry counts them.
 */
export const StoreUnavailable = z.object({
  /** `policy`, `cache`, … */
  service: z.string(),
  store: z.string(),
  /** What the service did about it: `fail_closed`, `fail_open`, `bypass`. */
  action: z.string(),
  /** Requests affected since the previous event. */
  count: z.int().min(1),
  at: z.number(),
});
export type StoreUnavailable = z.infer<typeof StoreUnavailable>;

/**
 * What a request said and what it was answered (`Subjects.events.requestContent`), as plain text:
 * chat messages as `role: text` lines (`[image]` for an image), embeddings inputs one a line, the
 * answer's message text. Published only for requests policy stamped `sy-record-content`.
 */
export const RequestContent = z.object({
  request_id: z.string(),
  prompt: z.string(),
  answer: z.string().optional(),
  /** The prompt or the answer was cut to the configured size. */
  truncated: z.boolean().optional(),
});
export type RequestContent = z.infer<typeof RequestContent>;

/** `POST /admin/cache/purge` (`Subjects.admin.cachePurge`): entries matching every field given go. */
export const CachePurgeRequest = z
  .strictObject({
    /** An entry's key, as the `x-switchyard-cache-key` response header gives it. */
    key: z.string().min(1).optional(),
    /** The model as callers name it. */
    alias: z.string().min(1).optional(),
    /** `team:<id>`, `key:<id>` or `global`. */
    namespace: z.string().min(1).optional(),
  })
  .refine((r) => r.key !== undefined || r.alias !== undefined || r.namespace !== undefined, {
    message: 'give key, alias or namespace',
  });
export type CachePurgeRequest = z.infer<typeof CachePurgeRequest>;
