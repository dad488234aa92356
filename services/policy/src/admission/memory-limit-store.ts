import { decide } from './limit-rules.js';
import type { LimitStore } from './limit-store.js';

interface ScopeRecord {
  requestsTat?: number | undefined;
  tokensTat?: number | undefined;
  tokenInterval?: number | undefined;
  /** Request id → deadline (epoch ms). */
  inFlight: Map<string, number>;
}

/**
 * The counters in this process's memory, for the single-process mode (no `redis.url`). Same rules
 * as Redis; JavaScript runs each call to the end before the next, which makes it atomic here.
 * Counters are lost on restart, and spend counters never expire: fine for a process that is not
 * meant to run for months, and no worse than Redis without persistence.
 */
export function createMemoryLimitStore(clock: () => number = Date.now): LimitStore {
  const scopes = new Map<string, ScopeRecord>();
  const spend = new Map<string, number>();
  const record = (scope: string): ScopeRecord => {
    let r = scopes.get(scope);
    if (r === undefined) scopes.set(scope, (r = { inFlight: new Map() }));
    return r;
  };
  const spendKey = (scope: string, periodId: string): string => `${scope}:${periodId}`;

  return {
    async admit(request) {
      const now = clock();
      const records = request.scopes.map((limits) => record(limits.scope));
      const counters = request.scopes.map((limits, i) => {
        const r = records[i]!;
        if (limits.maxConcurrency !== undefined)
          for (const [id, deadline] of r.inFlight) if (deadline <= now) r.inFlight.delete(id);
        return {
          requestsTat: r.requestsTat,
          tokensTat: r.tokensTat,
          inFlight: r.inFlight.size,
          holdsId: r.inFlight.has(request.requestId),
          spendUsd: limits.budget ? (spend.get(spendKey(limits.scope, limits.budget.periodId)) ?? 0) : 0,
        };
      });
      const { result, checks } = decide(request, counters, now);
      if (result.refused === undefined) {
        request.scopes.forEach((limits, i) => {
          const r = records[i]!;
          const { requests, tokens } = checks[i]!;
          if (requests) r.requestsTat = requests.after;
          if (tokens) {
            r.tokensTat = tokens.after;
            r.tokenInterval = tokens.interval;
          }
          if (limits.maxConcurrency !== undefined) r.inFlight.set(request.requestId, request.deadline);
        });
      }
      return result;
    },

    async reconcile({ requestId, admitted, tokenDelta, costUsd, scopes: names, periods }) {
      const now = clock();
      for (const scope of names) {
        const r = admitted ? scopes.get(scope) : undefined;
        r?.inFlight.delete(requestId);
        if (r && tokenDelta !== 0 && r.tokensTat !== undefined && r.tokenInterval !== undefined)
          r.tokensTat = Math.max(Math.max(r.tokensTat, now) + tokenDelta * r.tokenInterval, now);
        if (costUsd > 0)
          for (const { id } of periods)
            spend.set(spendKey(scope, id), (spend.get(spendKey(scope, id)) ?? 0) + costUsd);
      }
    },

    async spend(scope, periodId) {
      return spend.get(spendKey(scope, periodId)) ?? 0;
    },

    async close() {
      scopes.clear();
      spend.clear();
    },
  };
}
