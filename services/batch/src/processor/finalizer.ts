import type { JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from '@switchyard/log';
import {
  FINAL_STATUSES,
  creationInterrupted,
  expiring,
  finalizing,
  finished,
  nowSeconds,
  type BatchRecord,
} from '../domain/batch-record.js';
import { assembleOutput, type LineResult } from '../domain/line-result.js';
import type { BatchStore } from '../store/batch-store.js';
import type { FileStore } from '@switchyard/store';
import { utf8 } from '../domain/utf8.js';
import type { ResultStore } from '../store/result-store.js';
import { dropLines, pendingLines } from '../store/streams.js';

/** A batch left `finalizing` this long (its finalizer died) is finalized again by any replica. */
const STALE_FINALIZING_S = 60;
/**
 * A batch still `validating` this long after it was created was left by a creator that died (or
 * whose queuing failed) and is failed by any replica. A healthy creation moves on within seconds:
 * queuing the largest batch (50 000 lines, 100 MiB) took 3.3 s on a 2-core machine, and the
 * ingress stops waiting for `create` after 60 s; past twice that, nobody is still creating it.
 */
const STUCK_VALIDATING_S = 120;
/** Results read at once when assembling the output. */
const READ_BATCH = 64;

export interface Finalizer {
  /** Finalizes the batch if every line of it is done; safe to call any time, from any replica. */
  check(batchId: string): Promise<void>;
  /** Checks every unfinished batch: expiry, completion, a creator or a finalizer that died. */
  sweep(): Promise<void>;
}

export interface FinalizerDeps {
  jsm: JetStreamManager;
  batches: BatchStore;
  results: ResultStore;
  files: FileStore;
  log: Logger;
}

/**
 * Ends batches. A batch is done when none of its lines is left in the work queue (each was
 * answered, failed for good, or skipped by a cancel): then one replica wins the move to
 * `finalizing`, writes the output and error files from the stored results in input order, and
 * sets the end status with exact counts. Writing the files is idempotent (fixed file ids), so a
 * finalizer that dies midway is simply repeated.
 */
export function createFinalizer({ jsm, batches, results, files, log }: FinalizerDeps): Finalizer {
  const readResults = async (record: BatchRecord): Promise<LineResult[]> => {
    const { id, request_counts } = record.batch;
    const all: LineResult[] = [];
    for (let start = 0; start < request_counts.total; start += READ_BATCH) {
      const lines = Array.from(
        { length: Math.min(READ_BATCH, request_counts.total - start) },
        (_, i) => start + i,
      );
      for (const r of await Promise.all(lines.map((line) => results.get(id, line)))) if (r) all.push(r);
    }
    return all;
  };

  const finalize = async (record: BatchRecord): Promise<void> => {
    const { id } = record.batch;
    const assembled = assembleOutput(await readResults(record));
    const put = async (suffix: string, text: string) => {
      if (text === '') return null;
      const file = await files.put({
        id: `file-${id}-${suffix}`,
        filename: `${id}_${suffix}.jsonl`,
        purpose: 'batch_output',
        owner: record.owner,
        data: utf8(text),
      });
      return file.id;
    };
    const outputFileId = await put('output', assembled.output);
    const errorFileId = await put('errors', assembled.errors);
    const now = Date.now();
    await batches.update(id, (r) =>
      r.batch.status === 'finalizing'
        ? finished(
            r,
            { completed: assembled.completed, failed: assembled.failed, outputFileId, errorFileId },
            now,
          )
        : r,
    );
    log.info({ batchId: id, completed: assembled.completed, failed: assembled.failed }, 'batch finalized');
  };

  /**
   * Fails a batch whose creator died while queuing its lines. Finishing the queuing instead is not
   * possible: the record keeps only the key's hash, and the lines need the key itself. The record
   * is failed first (compare-and-set: one replica wins), then its lines are removed: a line taken
   * in between, or queued late by a creator that was only slow, finds its batch failed and is
   * dropped unsent, and a winner that dies before removing them leaves nothing worse than that.
   */
  const failInterruptedCreation = async (batchId: string, now: number): Promise<void> => {
    let won = false;
    await batches.update(batchId, (r) => {
      const next = creationInterrupted(r, now);
      won = next !== r;
      return next;
    });
    if (!won) return;
    const dropped = await dropLines(jsm, batchId);
    log.warn({ batchId, dropped }, 'batch failed: its creation was interrupted');
  };

  const check = async (batchId: string): Promise<void> => {
    const record = await batches.get(batchId);
    if (record === undefined || FINAL_STATUSES.has(record.batch.status)) return;
    const now = Date.now();
    const { status, created_at, finalizing_at, expires_at } = record.batch;
    if (status === 'validating') {
      if (nowSeconds(now) - created_at >= STUCK_VALIDATING_S) await failInterruptedCreation(batchId, now);
      return;
    }
    if (
      status !== 'finalizing' &&
      record.stop === undefined &&
      expires_at !== null &&
      nowSeconds(now) >= expires_at
    ) {
      await batches.update(batchId, expiring);
      return;
    }
    const stale = status === 'finalizing' && nowSeconds(now) - (finalizing_at ?? 0) >= STALE_FINALIZING_S;
    if (status === 'finalizing' && !stale) return;
    if ((await pendingLines(jsm, batchId)) > 0) return;
    let won = false;
    const taken = await batches.update(batchId, (r) => {
      won =
        r.batch.status === 'in_progress' ||
        r.batch.status === 'cancelling' ||
        (r.batch.status === 'finalizing' && stale);
      return won ? finalizing(r, now) : r;
    });
    if (won && taken !== undefined) await finalize(taken);
  };

  return {
    check,
    async sweep() {
      for (const record of await batches.listUnfinished()) {
        await check(record.batch.id).catch((err: unknown) =>
          log.error({ err, batchId: record.batch.id }, 'batch check failed'),
        );
      }
    },
  };
}
