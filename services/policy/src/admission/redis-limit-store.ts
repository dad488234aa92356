import { createHash } from 'node:crypto';
import type { RedisConnection } from '@switchyard/store';
import type { AdmitResult, LimitState, LimitStore, ReconcileRequest, ScopeStatus } from './limit-store.js';
import { REFUSALS, type Refusal } from './limit-store.js';
import { ADMIT_SCRIPT, RECONCILE_SCRIPT } from './redis-scripts.js';

type RedisClient = RedisConnection['client'];

const stateKey = (scope: string): string => `sy:rl:${scope}`;
const inFlightKey = (scope: string): string => `sy:rl:${scope}:inflight`;
const spendKey = (scope: string, periodId: string): string => `sy:spend:${scope}:${periodId}`;

/**
 * Runs a script by its SHA (EVALSHA), loading it (EVAL) only when Redis does not know it yet: after
 * a start or a Redis restart. One round trip in the normal case.
 */
function script(source: string) {
  const sha = createHash('sha1').update(source).digest('hex');
  return async (client: RedisClient, keys: string[], args: (string | number)[]): Promise<unknown> => {
    try {
      return await client.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return client.eval(source, keys.length, ...keys, ...args);
    }
  };
}

const admitScript = script(ADMIT_SCRIPT);
const reconcileScript = script(RECONCILE_SCRIPT);

const limitState = (remaining: unknown, resetMs: unknown): LimitState | undefined =>
  Number(remaining) < 0 ? undefined : { remaining: Number(remaining), resetMs: Number(resetMs) };

function toAdmitResult(reply: unknown[], scopes: readonly string[]): AdmitResult {
  const [reason, scopeIndex, retryAfterMs] = reply;
  const statuses = scopes.map((_, i): ScopeStatus => {
    const at = 3 + i * 5;
    const requests = limitState(reply[at], reply[at + 1]);
    const tokens = limitState(reply[at + 2], reply[at + 3]);
    return { ...(requests && { requests }), ...(tokens && { tokens }), spendUsd: Number(reply[at + 4]) };
  });
  if (reason === '') return { scopes: statuses };
  if (!REFUSALS.includes(reason as Refusal)) throw new Error(`unexpected admission reply ${String(reason)}`);
  const refused = { reason: reason as Refusal, scope: scopes[Number(scopeIndex)]! };
  return {
    refused: refused.reason === 'budget' ? refused : { ...refused, retryAfterMs: Number(retryAfterMs) },
    scopes: statuses,
  };
}

interface PendingSettlement {
  request: ReconcileRequest;
  done: () => void;
  failed: (err: unknown) => void;
}

/**
 * Counters in Redis, shared by every policy replica; each call is one atomic script. The
 * settlements of one turn of the event loop (every answer that finished in it) share one script
 * call, sent at the end of the turn or before the next admission, whichever comes first: a
 * request admitted after a settlement was taken never finds that settlement's slot still held.
 */
export function createRedisLimitStore(redis: RedisConnection): LimitStore {
  const { client } = redis;
  let pending: PendingSettlement[] = [];
  const settlePending = async (): Promise<void> => {
    if (pending.length === 0) return;
    const settlements = pending;
    pending = [];
    const keys: string[] = [];
    const args: (string | number)[] = [];
    for (const { request } of settlements) {
      const { requestId, admitted, tokenDelta, costUsd, scopes, periods } = request;
      for (const scope of scopes)
        keys.push(stateKey(scope), inFlightKey(scope), ...periods.map((p) => spendKey(scope, p.id)));
      args.push(requestId, admitted ? 1 : 0, tokenDelta, costUsd, scopes.length, periods.length);
      for (const p of periods) args.push(p.retentionMs ?? 0);
    }
    try {
      await reconcileScript(client, keys, args);
      for (const s of settlements) s.done();
    } catch (err) {
      for (const s of settlements) s.failed(err);
    }
  };

  return {
    async admit({ requestId, tokens, deadline, scopes }) {
      // Commands on one connection run in the order sent: the settlements first.
      void settlePending();
      const keys: string[] = [];
      const args: (string | number)[] = [requestId, tokens, deadline];
      for (const s of scopes) {
        // A scope without a budget still needs a third key: it is never read.
        keys.push(stateKey(s.scope), inFlightKey(s.scope), spendKey(s.scope, s.budget?.periodId ?? 'total'));
        args.push(s.rpm ?? 0, s.tpm ?? 0, s.maxConcurrency ?? 0, s.budget?.maxUsd ?? 0);
      }
      const reply = (await admitScript(client, keys, args)) as unknown[];
      return toAdmitResult(
        reply,
        scopes.map((s) => s.scope),
      );
    },

    reconcile(request) {
      return new Promise((done, failed) => {
        if (pending.length === 0) setImmediate(() => void settlePending());
        pending.push({ request, done, failed });
      });
    },

    async spend(scope, periodId) {
      return Number((await client.get(spendKey(scope, periodId))) ?? 0);
    },

    close: () => redis.close(),
  };
}
