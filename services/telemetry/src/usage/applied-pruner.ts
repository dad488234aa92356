import { DUPLICATE_WINDOW_MS } from '../jetstream/events-consumer.js';
import type { UsageStore } from './usage-store.js';

export interface AppliedPrunerOptions {
  usage: UsageStore;
  /** How long after its event is acknowledged an applied id is still remembered. */
  graceMs?: number;
  now?: () => number;
}

/**
 * Prunes the usage store's applied ids with the ack floors the events consumer reads, each one
 * `graceMs` late. The floor alone would do for redeliveries (they keep their stream sequence);
 * the grace also refuses, for the length of the stream's duplicate window, the same request
 * stored again as a new event (another message id), and a handler's write that reaches the
 * store after its event was handled and acknowledged elsewhere.
 */
export function createAppliedPruner({
  usage,
  graceMs = DUPLICATE_WINDOW_MS,
  now = Date.now,
}: AppliedPrunerOptions): (ackFloorSeq: number) => Promise<void> {
  /** Floors read, oldest first, not yet `graceMs` old. */
  const waiting: { at: number; seq: number }[] = [];
  return async (ackFloorSeq) => {
    const t = now();
    waiting.push({ at: t, seq: ackFloorSeq });
    let settled: number | undefined;
    while (waiting.length > 0 && waiting[0]!.at <= t - graceMs) settled = waiting.shift()!.seq;
    if (settled !== undefined) await usage.prune(settled);
  };
}
