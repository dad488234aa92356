import type { Logger } from '@switchyard/log';
import type { BatchStore } from '../store/batch-store.js';

export interface Progress {
  /** Counts a line's result towards its batch's `request_counts`. */
  add(batchId: string, succeeded: boolean): void;
  /** Writes what was counted; resolves once written. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Live progress, written to the batch record a few times a second rather than once per line: all
 * lines of a batch share one record, and a compare-and-set per line would mostly conflict. The
 * counts are for watching; a replica dying loses what it had not written, and the finalizer sets
 * the exact counts from the stored results. `onCounted` hears of every batch whose counts reach its
 * total, so it is finalized at once rather than at the next sweep.
 */
export function createProgress(opts: {
  batches: BatchStore;
  log: Logger;
  intervalMs: number;
  onCounted(batchId: string): void;
}): Progress {
  let pending = new Map<string, { completed: number; failed: number }>();
  let flushing: Promise<void> = Promise.resolve();

  const write = async (batchId: string, add: { completed: number; failed: number }): Promise<void> => {
    const record = await opts.batches.update(batchId, (r) => {
      if (r.batch.status !== 'in_progress' && r.batch.status !== 'cancelling') return r;
      const counts = r.batch.request_counts;
      return {
        ...r,
        batch: {
          ...r.batch,
          request_counts: {
            ...counts,
            completed: counts.completed + add.completed,
            failed: counts.failed + add.failed,
          },
        },
      };
    });
    const counts = record?.batch.request_counts;
    if (counts !== undefined && counts.completed + counts.failed >= counts.total) opts.onCounted(batchId);
  };

  const flush = (): Promise<void> => {
    flushing = flushing.then(async () => {
      const taken = pending;
      pending = new Map();
      await Promise.all(
        [...taken].map(([batchId, add]) =>
          write(batchId, add).catch((err: unknown) =>
            opts.log.warn({ err, batchId }, 'batch progress not written'),
          ),
        ),
      );
    });
    return flushing;
  };
  const timer = setInterval(() => void flush(), opts.intervalMs);

  return {
    add(batchId, succeeded) {
      const counts = pending.get(batchId) ?? { completed: 0, failed: 0 };
      if (succeeded) counts.completed++;
      else counts.failed++;
      pending.set(batchId, counts);
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
