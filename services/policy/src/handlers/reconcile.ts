import { parseEvent, subscribeEvent, type EventSubscription, type StoreAlarm } from '@switchyard/bus';
import { QueueGroups, RequestCompleted, Subjects } from '@switchyard/contracts';
import type { Logger } from '@switchyard/log';
import type { ServiceDeps } from '@switchyard/runtime';
import type { LimitStore } from '../admission/limit-store.js';
import { periodOf, SPEND_PERIODS, SPEND_RETENTION_MS } from '../spend/periods.js';

export interface ReconcileDeps {
  store: Pick<LimitStore, 'reconcile'>;
  alarm: Pick<StoreAlarm, 'report'>;
  log: Logger;
}

/**
 * Tokens the request really used against tokens-per-minute limits: its usage; none for a failure
 * that reports none (providers do not bill those) or for a cache hit (no provider was called);
 * what was reserved when a success reports no usage (a stream without `include_usage`).
 */
function tokensUsed(e: RequestCompleted, reserved: number): number {
  if (e.cache === 'hit') return 0;
  if (e.usage !== undefined) return e.usage.total_tokens;
  return e.status >= 400 ? 0 : reserved;
}

/**
 * Settles a finished request off the request path, from its `request.completed` event: frees its
 * concurrency slot, replaces its token reservation with its usage, and adds its cost to the spend
 * of its key and team (every key, budget or not, so spend can be read and a budget added later).
 * Events are at most once: a lost one leaves the slot to expire at the request's deadline and the
 * reservation to age out of its minute.
 */
export function createReconcile({ store, alarm, log }: ReconcileDeps): (data: Uint8Array) => Promise<void> {
  return async (data) => {
    const e = parseEvent(RequestCompleted, 'request.completed', data, log);
    if (e === undefined) return;
    const admitted = e.reserved_tokens !== undefined;
    const costUsd = e.cost_usd ?? 0;
    if (e.key_id === undefined || (!admitted && costUsd <= 0)) return;

    const reserved = e.reserved_tokens ?? 0;
    try {
      await store.reconcile({
        requestId: e.request_id,
        admitted,
        tokenDelta: admitted ? tokensUsed(e, reserved) - reserved : 0,
        costUsd,
        scopes: e.team === undefined ? [`key:${e.key_id}`] : [`key:${e.key_id}`, `team:${e.team}`],
        periods: SPEND_PERIODS.map((p) => ({
          id: periodOf(p, e.received_at).id,
          retentionMs: SPEND_RETENTION_MS[p],
        })),
      });
    } catch (err) {
      // Nothing to retry with: the slot expires by itself; the spend of this request is lost.
      alarm.report('reconcile_dropped', err);
    }
  };
}

/** One policy replica settles each completion event (queue group `policy`): this process's, if it has one. */
export function serveReconcile(
  nc: ServiceDeps['nc'],
  log: Logger,
  reconcile: (data: Uint8Array) => Promise<void>,
): EventSubscription {
  return subscribeEvent(nc, {
    subject: Subjects.events.requestCompleted,
    queue: QueueGroups.policy,
    log,
    handle: (data) => void reconcile(data),
  });
}
