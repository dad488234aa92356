/**
 * NATS header names. Request metadata travels in headers so that stages route without
 * parsing the body; the body bytes are forwarded as they came.
 */
export const Headers = {
  // Set by the caller (HTTP ingress or a batch job).
  authorization: 'authorization',
  requestId: 'sy-request-id',
  traceparent: 'traceparent',
  tracestate: 'tracestate',

  // Computed once, when the body is validated on entry.
  op: 'sy-op',
  model: 'sy-model',
  stream: 'sy-stream',
  receivedAt: 'sy-received-at',
  /** Absolute deadline, epoch milliseconds: no stage starts work past it. */
  deadline: 'sy-deadline',

  // Claim check: a body larger than a NATS message may carry is stored in the object store and the
  // message goes with an empty payload and these headers (on a request or a reply frame).
  /** `<bucket>/<object>`: where the body is. The one `sy-*` header a NATS caller may send. */
  bodyRef: 'sy-body-ref',
  /** The referenced body's size in bytes, for stages that only need its length. */
  bodyBytes: 'sy-body-bytes',

  /**
   * Stamped by policy when `telemetry.request_log.record_content` is on: whoever answers publishes
   * the prompt and answer (`Subjects.events.requestContent`), each cut to this many bytes.
   */
  recordContent: 'sy-record-content',

  // Stamped by policy once the key is authenticated.
  keyId: 'sy-key-id',
  team: 'sy-team',
  /** Comma-separated model globs the key may use. */
  allowedModels: 'sy-allowed-models',
  /** Prompt tokens policy estimated with a tokenizer (only when a tokens-per-minute limit applies). */
  promptTokens: 'sy-prompt-tokens',
  /**
   * Tokens policy reserved against tokens-per-minute limits; reconciled with usage on completion.
   * Set only when admission holds something to give back (a token reservation or a concurrency slot).
   */
  reservedTokens: 'sy-reserved-tokens',
  /**
   * `v1.<expires-at ms>.<HMAC-SHA256 hex>` over the request id, key id, team, model, allowed models
   * and expiry: router and worker act only on requests policy admitted (`policy.signing_secret`).
   */
  signature: 'sy-signature',

  // Stamped by the router.
  provider: 'sy-provider',
  deployment: 'sy-deployment',
  upstreamModel: 'sy-upstream-model',
  /**
   * The deployment's `max_concurrency` as the router's current routes say (YAML or changed at run
   * time): each worker holds calls beyond it. Absent: no limit.
   */
  deploymentMaxConcurrency: 'sy-deployment-max-concurrency',
  attempt: 'sy-attempt',
  /** How many attempts (deployments tried, fallbacks included) the request may make in all. */
  maxAttempts: 'sy-max-attempts',
  /** The alias whose deployment was picked: the caller's, or a fallback of it. */
  routeAlias: 'sy-route-alias',
  /** The alias whose fallback chain is being walked, when not the caller's (a context-window fallback). */
  routeRoot: 'sy-route-root',
  /** A stream whose upstream sends no chunk for this long (ms) ends with a 504 error event. */
  streamIdleMs: 'sy-stream-idle-ms',

  // Set by a worker that sends a failed attempt back to the router.
  /** Comma-separated deployment ids that failed this request already: not tried again. */
  excludedDeployments: 'sy-excluded-deployments',
  /** HTTP status, code and OpenAI-shaped JSON body of the failed attempt, answered when nothing is left. */
  lastErrorStatus: 'sy-last-error-status',
  lastErrorCode: 'sy-last-error-code',
  lastErrorBody: 'sy-last-error-body',

  // Stamped by the cache on a miss it wants stored: whoever answers sends the answer to `Subjects.cacheStore`.
  /** Where the answer is stored (the entry's full key). */
  cacheKey: 'sy-cache-key',
  cacheTtlMs: 'sy-cache-ttl-ms',
  /** Answers larger than this are not kept. */
  cacheMaxBytes: 'sy-cache-max-bytes',
  /** On a `Subjects.cacheStore` message: what the answer cost (USD), so a hit can say what it saved. */
  cacheCost: 'sy-cache-cost',
  /** On a `Subjects.cacheStore` message: `failed` when the answer was an error (nothing to store). */
  cacheOutcome: 'sy-cache-outcome',

  // Events.
  /**
   * On an event published by a process with local dispatch: the queue groups (`policy`, …) one of
   * whose members in that process handled it already; their other members skip it.
   */
  takenBy: 'sy-taken-by',

  // Reply frames.
  frame: 'sy-frame',
  seq: 'sy-seq',
  /** HTTP status of an error or response frame. */
  status: 'sy-status',
  errorCode: 'sy-error-code',
  /** On an error frame, and on a request a worker sent back for another attempt. */
  retryAfterMs: 'sy-retry-after-ms',
} as const;
export type HeaderName = (typeof Headers)[keyof typeof Headers];

/**
 * A stage that has something to tell the HTTP caller (rate-limit state, cache status) sets
 * `sy-answer-<http header>` on the request; whoever answers copies those onto the first reply
 * frame, and the ingress turns them into HTTP response headers. No stage needs to know who answers.
 */
export const ANSWER_HEADER_PREFIX = 'sy-answer-';
export const answerHeader = (httpHeader: string): string => `${ANSWER_HEADER_PREFIX}${httpHeader}`;

/** Only stages write `sy-*` headers: the public entry drops any a caller sent. */
export const isStageOwnedHeader = (name: string): boolean => name.toLowerCase().startsWith('sy-');

/** Headers a caller (HTTP or NATS) may send to shape its request; not stage-owned. */
export const CallerHeaders = {
  /** The caller's own id for the request, used as ours so both sides can grep one id. */
  requestId: 'x-request-id',
  /** Shortens the gateway's request timeout for this request; it can never lengthen it. */
  timeoutMs: 'x-switchyard-timeout-ms',
  /** `no-cache` (skip the cache lookup, still store) or `no-store` (neither). */
  cacheControl: 'cache-control',
  /** Comma-separated tags the caller gives its request; routing rules may match them. */
  tags: 'x-switchyard-tags',
  /** An alias to use instead of the one routing would pick; must be allowed to the key. */
  route: 'x-switchyard-route',
  /** Comma-separated aliases replacing the alias's configured fallbacks for this request. */
  fallbacks: 'x-switchyard-fallbacks',
  /** Seconds to keep this request's answer in the response cache, up to `cache.max_ttl_seconds`. */
  cacheTtl: 'x-switchyard-cache-ttl',
} as const;

/** Response header saying what the response cache did: `HIT`, `MISS` or `BYPASS`. */
export const CACHE_STATUS_HEADER = 'x-switchyard-cache';

/**
 * HTTP headers the ingress passes to the bus as the caller sent them: every `x-switchyard-*`
 * option and `cache-control`. The stage that reads one validates it; the others ignore it.
 */
export const isForwardedCallerHeader = (name: string): boolean => {
  const lower = name.toLowerCase();
  return lower.startsWith('x-switchyard-') || lower === CallerHeaders.cacheControl;
};
