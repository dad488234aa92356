import { z } from 'zod';

/** The batch processor and the files and batches API (docs/batch.md). */
export const BatchConfig = z.strictObject({
  /** Lines one batch service replica sends through the pipeline at once; replicas add up. */
  concurrency: z.int().min(1).max(1024).default(16),
  /** Largest file `POST /v1/files` accepts, in bytes; larger gets 413. */
  max_file_bytes: z
    .int()
    .min(1024)
    .default(100 * 1024 * 1024),
  /** Most lines in one batch (OpenAI's limit). */
  max_requests: z.int().min(1).default(50_000),
  /** Deadline of each line's request through the pipeline; a line not answered by then is tried again. */
  request_timeout_ms: z.int().min(100).default(300_000),
  /** Tries of a line whose failure may pass (429, 5xx, timeout) before it is written to the error file. */
  max_attempts: z.int().min(1).max(100).default(5),
  /** Wait before the first retry of a line; doubled on each further one, or the provider's `retry-after`. */
  retry_delay_ms: z.int().min(0).default(1_000),
  /** How long files, batch records and results are kept after their last change. */
  retention_days: z.number().positive().default(30),
  /** How often a replica checks running batches for completion, cancellation and expiry. */
  sweep_interval_ms: z.int().min(50).default(2_000),
});
export type BatchConfig = z.infer<typeof BatchConfig>;
