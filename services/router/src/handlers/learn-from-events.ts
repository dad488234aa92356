import type { AttemptFailed, AttemptStarted, RequestCompleted } from '@switchyard/contracts';
import { ATTEMPT_TTL_MS, type DeploymentStats } from '../domain/deployment-stats.js';
import type { Health } from '../domain/health.js';

export interface LearnFromEventsDeps {
  health: Health;
  stats: DeploymentStats;
  now?: () => number;
}

export interface LearnFromEvents {
  attemptStarted(event: AttemptStarted): void;
  attemptFailed(event: AttemptFailed): void;
  requestCompleted(event: RequestCompleted): void;
}

/**
 * Whether a failure says something about the deployment: rate limits and server-side failures
 * do; a caller's mistake, a cancellation and the request's own deadline running out do not.
 */
export const countsAgainstDeployment = (status: number, code: string | undefined): boolean =>
  status === 429 || (status >= 500 && code !== 'timeout' && code !== 'cancelled');

/** Feeds health and load from the events every router hears, its own included. */
export function createLearnFromEvents({
  health,
  stats,
  now = Date.now,
}: LearnFromEventsDeps): LearnFromEvents {
  return {
    attemptStarted(e) {
      const fresh = stats.started({
        requestId: e.request_id,
        attempt: e.attempt,
        deployment: e.deployment,
        at: e.at,
        expiresAt: e.deadline ?? e.at + ATTEMPT_TTL_MS,
      });
      if (fresh) health.sent(e.deployment, now());
    },
    attemptFailed(e) {
      stats.attemptEnded(e.request_id, e.attempt);
      // A worker sends back only failures another deployment may cure; a long prompt is not one.
      if (e.status === 429 || e.status >= 500) health.failed(e.deployment, now());
    },
    requestCompleted(e) {
      stats.completed({
        requestId: e.request_id,
        deployment: e.deployment,
        status: e.status,
        receivedAt: e.received_at,
        ttftMs: e.ttft_ms,
        durationMs: e.duration_ms,
      });
      if (e.deployment === undefined) return;
      if (e.status < 400) health.succeeded(e.deployment, now());
      else if (countsAgainstDeployment(e.status, e.error_code)) health.failed(e.deployment, now());
    },
  };
}
