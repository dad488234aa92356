import { answerHeader } from '@switchyard/contracts';
import type { MsgHdrs } from '@switchyard/bus';
import type { LimitState } from './limit-store.js';

/**
 * A duration as OpenAI writes it in `x-ratelimit-reset-*` (Go's format): `120ms`, `1s`, `1.5s`,
 * `6m0s`, `1h0m0s`.
 */
export function formatResetDuration(ms: number): string {
  const whole = Math.max(0, Math.ceil(ms));
  if (whole === 0) return '0s';
  if (whole < 1000) return `${whole}ms`;
  const hours = Math.floor(whole / 3_600_000);
  const minutes = Math.floor((whole % 3_600_000) / 60_000);
  const seconds = `${Number(((whole % 60_000) / 1000).toFixed(3))}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

/** The binding limit of one kind (`requests`, `tokens`): the one with the least left, key or team. */
export interface ReportedLimit {
  limit: number;
  state: LimitState;
}

/** Sets `x-ratelimit-{limit,remaining,reset}-<kind>` for the caller, on success and refusal alike. */
export function setRateLimitHeaders(
  headers: MsgHdrs,
  kind: 'requests' | 'tokens',
  reported: ReportedLimit,
): void {
  headers.set(answerHeader(`x-ratelimit-limit-${kind}`), String(reported.limit));
  headers.set(answerHeader(`x-ratelimit-remaining-${kind}`), String(reported.state.remaining));
  headers.set(answerHeader(`x-ratelimit-reset-${kind}`), formatResetDuration(reported.state.resetMs));
}
