import type { LatencyStats } from './strategies/index.js';

/** One attempt some router sent to a deployment, as its `attempt.started` event told. */
export interface AttemptRecord {
  requestId: string;
  attempt: number;
  deployment: string;
  /** Epoch ms when it was sent. */
  at: number;
  /** Forgotten after this (ms): a lost completion event must not count as in flight forever. */
  expiresAt: number;
}

/** What a completion event tells about latency. */
export interface CompletionRecord {
  requestId: string;
  deployment: string | undefined;
  status: number;
  /** Epoch ms when the gateway received the request. */
  receivedAt: number;
  ttftMs: number | undefined;
  durationMs: number;
}

export interface DeploymentStats {
  /** Records an attempt; false when it was known already (a router hears its own events too). */
  started(record: AttemptRecord): boolean;
  /** The attempt failed and went back to the router. */
  attemptEnded(requestId: string, attempt: number): void;
  /** The request was answered: its attempt leaves the in-flight count and teaches latency. */
  completed(record: CompletionRecord): void;
  inFlight(deployment: string): number;
  latency(deployment: string): LatencyStats | undefined;
  /** Forgets attempts past their expiry. */
  sweep(now: number): void;
}

/** An attempt whose request has no deadline is forgotten after this, if no event ends it. */
export const ATTEMPT_TTL_MS = 10 * 60_000;

/** Weight of the newest sample in the moving averages. */
const ALPHA = 0.3;

const ewma = (previous: number | undefined, sample: number): number =>
  previous === undefined ? sample : previous + ALPHA * (sample - previous);

/**
 * In-flight counts and latency moving averages per deployment, from events every router hears:
 * least-busy and least-latency see the same picture on every replica. Latency is measured from
 * when the attempt was sent, so time spent on failed attempts before it does not count against
 * the deployment that answered.
 */
export function createDeploymentStats(): DeploymentStats {
  /** request id → its attempts in flight. */
  const requests = new Map<string, AttemptRecord[]>();
  const busy = new Map<string, number>();
  const latencies = new Map<string, LatencyStats>();

  const release = (record: AttemptRecord): void => {
    const n = (busy.get(record.deployment) ?? 1) - 1;
    if (n > 0) busy.set(record.deployment, n);
    else busy.delete(record.deployment);
  };
  const keep = (requestId: string, records: AttemptRecord[]): void => {
    if (records.length > 0) requests.set(requestId, records);
    else requests.delete(requestId);
  };

  return {
    started(record) {
      const records = requests.get(record.requestId) ?? [];
      if (records.some((r) => r.attempt === record.attempt)) return false;
      requests.set(record.requestId, [...records, record]);
      busy.set(record.deployment, (busy.get(record.deployment) ?? 0) + 1);
      return true;
    },
    attemptEnded(requestId, attempt) {
      const records = requests.get(requestId) ?? [];
      for (const r of records) if (r.attempt === attempt) release(r);
      keep(
        requestId,
        records.filter((r) => r.attempt !== attempt),
      );
    },
    completed(c) {
      const records = requests.get(c.requestId) ?? [];
      requests.delete(c.requestId);
      records.forEach(release);
      if (c.status !== 200 || c.deployment === undefined) return;
      // The attempt that answered is the latest one sent.
      const answered = records.reduce<AttemptRecord | undefined>(
        (latest, r) => (latest === undefined || r.attempt > latest.attempt ? r : latest),
        undefined,
      );
      const lag = answered === undefined ? 0 : Math.max(0, answered.at - c.receivedAt);
      const previous = latencies.get(c.deployment) ?? {};
      const next: LatencyStats = { durationMs: ewma(previous.durationMs, Math.max(0, c.durationMs - lag)) };
      if (c.ttftMs !== undefined) next.ttftMs = ewma(previous.ttftMs, Math.max(0, c.ttftMs - lag));
      else if (previous.ttftMs !== undefined) next.ttftMs = previous.ttftMs;
      latencies.set(c.deployment, next);
    },
    inFlight: (deployment) => busy.get(deployment) ?? 0,
    latency: (deployment) => latencies.get(deployment),
    sweep(now) {
      for (const [requestId, records] of requests) {
        for (const r of records) if (r.expiresAt <= now) release(r);
        keep(
          requestId,
          records.filter((r) => r.expiresAt > now),
        );
      }
    },
  };
}
