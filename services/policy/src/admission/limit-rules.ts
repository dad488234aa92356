import type { AdmitRequest, AdmitResult, LimitState, Refusal, ScopeStatus } from './limit-store.js';

/**
 * The rules both stores apply, written once here in TypeScript and once in Lua (redis-scripts.ts).
 *
 * Requests and tokens per minute are a GCRA (a token bucket kept as one timestamp): each scope
 * stores a "theoretical arrival time" (TAT), which every admitted unit pushes `60 s / limit`
 * later. A request fits while the TAT it would leave is at most 60 s ahead. So a full limit may
 * be used in one burst, and capacity then comes back steadily, `limit / 60 s`, as OpenAI's own
 * limits do; `x-ratelimit-reset-*` is the time until the TAT is reached (the limit is full again).
 */
export const WINDOW_MS = 60_000;
/** Slack for the float rounding of `60 s / limit`, far below a millisecond. */
const EPSILON_MS = 0.01;
/** A refused concurrent request cannot know when a slot frees: it is told to come back in 1 s. */
export const CONCURRENCY_RETRY_MS = 1000;

export interface GcraCheck {
  interval: number;
  /** The TAT as it stands (never in the past). */
  start: number;
  /** The TAT once this request is counted. */
  after: number;
  allowed: boolean;
}

export function gcra(tat: number | undefined, now: number, cost: number, limit: number): GcraCheck {
  const interval = WINDOW_MS / limit;
  const start = Math.max(tat ?? now, now);
  const after = start + cost * interval;
  return { interval, start, after, allowed: after - now <= WINDOW_MS + EPSILON_MS };
}

/** How long until a refused request would fit. */
export const gcraRetryMs = (check: GcraCheck, now: number): number =>
  Math.max(1, Math.ceil(check.after - WINDOW_MS - now));

export function gcraState(check: GcraCheck, now: number, committed: boolean): LimitState {
  const tat = committed ? check.after : check.start;
  return {
    remaining: Math.max(0, Math.floor((now + WINDOW_MS - tat) / check.interval + 1e-6)),
    resetMs: Math.ceil(tat - now),
  };
}

/** A scope's counters as the store read them. */
export interface ScopeCounters {
  requestsTat?: number | undefined;
  tokensTat?: number | undefined;
  /** Live (unexpired) requests in flight, and whether this request's id is among them. */
  inFlight: number;
  holdsId: boolean;
  spendUsd: number;
}

export interface Decision {
  result: AdmitResult;
  /** Per scope, the new TATs to store when admitted. */
  checks: { requests?: GcraCheck | undefined; tokens?: GcraCheck | undefined }[];
}

const RANK: Record<Refusal, number> = { budget: 4, concurrency: 3, requests: 2, tokens: 1 };

/** Every limit of every scope is checked; the request is admitted only if all of them pass. */
export function decide(request: AdmitRequest, counters: readonly ScopeCounters[], now: number): Decision {
  let refused: NonNullable<AdmitResult['refused']> | undefined;
  let retryAfterMs = 0;
  const refuse = (reason: Refusal, scope: string, waitMs: number): void => {
    retryAfterMs = Math.max(retryAfterMs, waitMs);
    if (refused === undefined || RANK[reason] > RANK[refused.reason]) refused = { reason, scope };
  };

  const checks = request.scopes.map((limits, i) => {
    const c = counters[i]!;
    if (limits.budget !== undefined && c.spendUsd >= limits.budget.maxUsd) refuse('budget', limits.scope, 0);
    // The same request id twice in flight would share one slot: the second waits for the first.
    if (limits.maxConcurrency !== undefined && (c.inFlight >= limits.maxConcurrency || c.holdsId))
      refuse('concurrency', limits.scope, CONCURRENCY_RETRY_MS);
    const requests = limits.rpm === undefined ? undefined : gcra(c.requestsTat, now, 1, limits.rpm);
    if (requests && !requests.allowed) refuse('requests', limits.scope, gcraRetryMs(requests, now));
    const tokens = limits.tpm === undefined ? undefined : gcra(c.tokensTat, now, request.tokens, limits.tpm);
    if (tokens && !tokens.allowed) refuse('tokens', limits.scope, gcraRetryMs(tokens, now));
    return { requests, tokens };
  });

  const admitted = refused === undefined;
  const scopes = checks.map(({ requests, tokens }, i): ScopeStatus => ({
    ...(requests && { requests: gcraState(requests, now, admitted) }),
    ...(tokens && { tokens: gcraState(tokens, now, admitted) }),
    spendUsd: counters[i]!.spendUsd,
  }));
  if (refused && refused.reason !== 'budget') refused.retryAfterMs = retryAfterMs;
  return { result: refused ? { refused, scopes } : { scopes }, checks };
}
