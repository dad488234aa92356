import type { JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from '@switchyard/log';
import {
  FINAL_STATUSES,
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
import { pendingLines } from '../store/streams.js';

/** A batch left `finalizing` this long (its finalizer died) is finalized again by any replica. */
const STALE_FINALIZING_S = 60;
/** Results read at once when assembling the output. */
const READ_BATCH = 64;

export interface Finalizer {
  /** Finalizes the batch if every line of it is done; safe to call any time, from any replica. */
  check(batchId: string): Promise<void>;
  /** Checks every unfinished batch: expiry, completion, a finalizer that died. */
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

  const check = async (batchId: string): Promise<void> => {
    const record = await batches.get(batchId);
    if (record === undefined || FINAL_STATUSES.has(record.batch.status)) return;
    const now = Date.now();
    const { status, finalizing_at, expires_at } = record.batch;
    if (status === 'validating') return;
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
      for (const record of await batches.list()) {
        if (FINAL_STATUSES.has(record.batch.status)) continue;
        await check(record.batch.id).catch((err: unknown) =>
          log.error({ err, batchId: record.batch.id }, 'batch check failed'),
        );
      }
    },
  };
}
