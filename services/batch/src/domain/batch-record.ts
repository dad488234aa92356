import { createHash } from 'node:crypto';
import type { Batch, BatchEndpoint, BatchError, BatchStatus } from '@switchyard/contracts';

/** What the batches bucket keeps: the `Batch` as OpenAI shows it, and what only Switchyard needs. */
export interface BatchRecord {
  batch: Batch;
  /** The SHA-256 (hex) of the key that created it: only that key, or the master key, sees it. */
  owner: string;
  /** Set when the batch must stop taking lines: cancelled by its owner, or past its window. */
  stop?: 'cancel' | 'expire' | undefined;
}

/** Statuses after which nothing changes. */
export const FINAL_STATUSES: ReadonlySet<BatchStatus> = new Set([
  'completed',
  'failed',
  'expired',
  'cancelled',
]);

const COMPLETION_WINDOW_S = 24 * 3600;

export const nowSeconds = (now: number): number => Math.floor(now / 1000);

/** The owner id of a key: its SHA-256 in hex, as policy names key hashes; never the key itself. */
export const ownerOf = (authorization: string): string =>
  createHash('sha256')
    .update(authorization.replace(/^Bearer\s+/i, ''))
    .digest('hex');

export function newBatchRecord(init: {
  id: string;
  owner: string;
  endpoint: BatchEndpoint;
  inputFileId: string;
  metadata: Record<string, string> | null;
  now: number;
}): BatchRecord {
  const created = nowSeconds(init.now);
  return {
    owner: init.owner,
    batch: {
      id: init.id,
      object: 'batch',
      endpoint: init.endpoint,
      errors: null,
      input_file_id: init.inputFileId,
      completion_window: '24h',
      status: 'validating',
      output_file_id: null,
      error_file_id: null,
      created_at: created,
      in_progress_at: null,
      expires_at: created + COMPLETION_WINDOW_S,
      finalizing_at: null,
      completed_at: null,
      failed_at: null,
      expired_at: null,
      cancelling_at: null,
      cancelled_at: null,
      request_counts: { total: 0, completed: 0, failed: 0 },
      metadata: init.metadata,
    },
  };
}

export function failedValidation(record: BatchRecord, errors: BatchError[], now: number): BatchRecord {
  const batch: Batch = {
    ...record.batch,
    status: 'failed',
    failed_at: nowSeconds(now),
    errors: { object: 'list', data: errors },
  };
  return { ...record, batch };
}

/**
 * A batch whose creation never finished (its creator died while queuing its lines): failed, saying
 * so. A batch that left `validating` meanwhile (started, failed or cancelled) is left as is.
 */
export function creationInterrupted(record: BatchRecord, now: number): BatchRecord {
  if (record.batch.status !== 'validating') return record;
  return failedValidation(
    record,
    [
      {
        code: 'creation_interrupted',
        message:
          'The batch service stopped while queuing this batch, so it was not started. Create the batch again.',
        param: null,
        line: null,
      },
    ],
    now,
  );
}

export function started(record: BatchRecord, total: number, now: number): BatchRecord {
  // A cancel that came while the lines were being queued wins.
  if (record.batch.status !== 'validating') return record;
  const batch: Batch = {
    ...record.batch,
    status: 'in_progress',
    in_progress_at: nowSeconds(now),
    request_counts: { total, completed: 0, failed: 0 },
  };
  return { ...record, batch };
}

/** Whether lines of this batch should still be sent through the pipeline. */
export const isTakingLines = (record: BatchRecord): boolean =>
  record.stop === undefined &&
  (record.batch.status === 'validating' || record.batch.status === 'in_progress');

/** Cancels a running batch (lines in flight finish); a batch already stopping or done is left as is. */
export function cancelled(record: BatchRecord, now: number): BatchRecord {
  if (!isTakingLines(record)) return record;
  const batch: Batch = { ...record.batch, status: 'cancelling', cancelling_at: nowSeconds(now) };
  return { ...record, stop: 'cancel', batch };
}

/** Past its completion window: its remaining lines are not sent, and go to the error file. */
export function expiring(record: BatchRecord): BatchRecord {
  return isTakingLines(record) ? { ...record, stop: 'expire' } : record;
}

export function finalizing(record: BatchRecord, now: number): BatchRecord {
  return { ...record, batch: { ...record.batch, status: 'finalizing', finalizing_at: nowSeconds(now) } };
}

/** The end state: counts from the stored results (exact), the files, and what stopped it. */
export function finished(
  record: BatchRecord,
  outcome: { completed: number; failed: number; outputFileId: string | null; errorFileId: string | null },
  now: number,
): BatchRecord {
  const at = nowSeconds(now);
  const status: BatchStatus =
    record.stop === 'cancel' ? 'cancelled' : record.stop === 'expire' ? 'expired' : 'completed';
  const batch: Batch = {
    ...record.batch,
    status,
    output_file_id: outcome.outputFileId,
    error_file_id: outcome.errorFileId,
    request_counts: { ...record.batch.request_counts, completed: outcome.completed, failed: outcome.failed },
    ...(status === 'completed' && { completed_at: at }),
    ...(status === 'cancelled' && { cancelled_at: at }),
    ...(status === 'expired' && { expired_at: at }),
  };
  return { ...record, batch };
}
