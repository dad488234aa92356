/**
 * Where limit and spend counters live: Redis (shared by every policy replica) or memory (one
 * process, no `redis.url`). Both implement the same rules (limit-rules.ts) and answer in one step,
 * so a decision and its reservation are one atomic act: never check-then-increment.
 */
export interface LimitStore {
  /** Checks every limit of every scope and, only if all pass, reserves against them all. */
  admit(request: AdmitRequest): Promise<AdmitResult>;
  /** After a request: frees its concurrency slot, corrects its token reservation, adds its cost. */
  reconcile(request: ReconcileRequest): Promise<void>;
  /** USD spent by a scope in one period so far. */
  spend(scope: string, periodId: string): Promise<number>;
  close(): Promise<void>;
}

/** The limits of one scope (a key or a team); an absent field is no limit. */
export interface ScopeLimits {
  /** `key:<id>` or `team:<id>`: names the scope's counters. */
  scope: string;
  rpm?: number | undefined;
  tpm?: number | undefined;
  maxConcurrency?: number | undefined;
  /** Refused once the spend counted in `periodId` reaches `maxUsd`. */
  budget?: { maxUsd: number; periodId: string } | undefined;
}

export interface AdmitRequest {
  /** Holds the concurrency slot until `reconcile` (or `deadline`) frees it. */
  requestId: string;
  /** Reserved against tokens-per-minute limits. */
  tokens: number;
  /** Epoch ms after which the slot frees itself, should the completion event be lost. */
  deadline: number;
  scopes: readonly ScopeLimits[];
}

/** What one rate limit looks like after the decision (or as it stands, when refused). */
export interface LimitState {
  remaining: number;
  /** Until the limit is back to its full capacity. */
  resetMs: number;
}

export interface ScopeStatus {
  requests?: LimitState;
  tokens?: LimitState;
  spendUsd: number;
}

export const REFUSALS = ['budget', 'concurrency', 'requests', 'tokens'] as const;
/** Why a request was refused; when several apply the first of these wins. */
export type Refusal = (typeof REFUSALS)[number];

export interface AdmitResult {
  refused?: { reason: Refusal; scope: string; retryAfterMs?: number };
  /** In the order of the request's scopes. */
  scopes: ScopeStatus[];
}

export interface ReconcileRequest {
  requestId: string;
  /** Policy admitted it through the store: it holds a slot and a reservation to settle. */
  admitted: boolean;
  /** Actual tokens minus reserved ones: negative gives tokens back, positive takes more. */
  tokenDelta: number;
  costUsd: number;
  /** Every scope the request counted against. */
  scopes: readonly string[];
  /** Spend is added to each of these periods (a day, a month, the total) with its retention. */
  periods: readonly { id: string; retentionMs?: number | undefined }[];
}
