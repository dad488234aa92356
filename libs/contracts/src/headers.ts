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

  // Stamped by policy once the key is authenticated.
  keyId: 'sy-key-id',
  team: 'sy-team',
  /** Comma-separated model globs the key may use. */
  allowedModels: 'sy-allowed-models',

  // Stamped by the router.
  provider: 'sy-provider',
  deployment: 'sy-deployment',
  upstreamModel: 'sy-upstream-model',
  attempt: 'sy-attempt',

  // Reply frames.
  frame: 'sy-frame',
  seq: 'sy-seq',
  /** HTTP status of an error or response frame. */
  status: 'sy-status',
  errorCode: 'sy-error-code',
  retryAfterMs: 'sy-retry-after-ms',
} as const;
export type HeaderName = (typeof Headers)[keyof typeof Headers];

/** Headers a caller may not set on the public entry subject: only stages write them. */
export const STAGE_OWNED_HEADERS: readonly string[] = Object.values(Headers).filter((h) =>
  h.startsWith('sy-'),
);

/** Headers a caller (HTTP or NATS) may send to shape its request; not stage-owned. */
export const CallerHeaders = {
  /** The caller's own id for the request, used as ours so both sides can grep one id. */
  requestId: 'x-request-id',
  /** Shortens the gateway's request timeout for this request; it can never lengthen it. */
  timeoutMs: 'x-switchyard-timeout-ms',
} as const;
