import { z } from 'zod';

/**
 * Durable batches, in the shapes of OpenAI's Batch API (`Batch`, `OpenAIFile`,
 * `BatchRequestInput`, `BatchRequestOutput`): the HTTP routes and the NATS subjects share them.
 */

/** The endpoints a batch line may call: those the pipeline serves. */
export const BATCH_ENDPOINTS = ['/v1/chat/completions', '/v1/embeddings'] as const;
export const BatchEndpoint = z.enum(BATCH_ENDPOINTS);
export type BatchEndpoint = z.infer<typeof BatchEndpoint>;

/** One line of a batch's input file. */
export const BatchRequestInput = z.object({
  custom_id: z.string().min(1).max(512),
  method: z.literal('POST'),
  url: BatchEndpoint,
  body: z.record(z.string(), z.unknown()),
});
export type BatchRequestInput = z.infer<typeof BatchRequestInput>;

/** OpenAI's `Metadata`: at most 16 string pairs. */
export const BatchMetadata = z
  .record(z.string().max(64), z.string().max(512))
  .refine((m) => Object.keys(m).length <= 16, 'at most 16 metadata keys');

/**
 * `llm.v1.batch.create` (and `POST /v1/batches`): the lines come from an uploaded file
 * (`input_file_id`), or inline (`requests`, the NATS client's way: no file upload needed).
 */
export const BatchCreateRequest = z
  .object({
    input_file_id: z.string().min(1).optional(),
    requests: z.array(z.unknown()).min(1).optional(),
    endpoint: BatchEndpoint,
    completion_window: z.literal('24h').default('24h'),
    metadata: BatchMetadata.nullish(),
  })
  .refine((r) => (r.input_file_id === undefined) !== (r.requests === undefined), {
    message: 'give either input_file_id or requests',
    path: ['input_file_id'],
  });
export type BatchCreateRequest = z.infer<typeof BatchCreateRequest>;

export const BatchIdRequest = z.object({ id: z.string().min(1) });
export const BatchListRequest = z.object({
  after: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type BatchListRequest = z.infer<typeof BatchListRequest>;

export const BATCH_STATUSES = [
  'validating',
  'failed',
  'in_progress',
  'finalizing',
  'completed',
  'expired',
  'cancelling',
  'cancelled',
] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/** A validation failure of the input file: `line` is 1-based, as OpenAI reports it. */
export interface BatchError {
  code: string;
  message: string;
  param: string | null;
  line: number | null;
}

export interface BatchRequestCounts {
  total: number;
  completed: number;
  failed: number;
}

/** OpenAI's `Batch` object. Times are Unix seconds. */
export interface Batch {
  id: string;
  object: 'batch';
  endpoint: BatchEndpoint;
  errors: { object: 'list'; data: BatchError[] } | null;
  input_file_id: string;
  completion_window: '24h';
  status: BatchStatus;
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
  in_progress_at: number | null;
  expires_at: number | null;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  expired_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
  request_counts: BatchRequestCounts;
  metadata: Record<string, string> | null;
}

/** One line of a batch's output file (`response`) or error file (`error`). */
export interface BatchRequestOutput {
  id: string;
  custom_id: string;
  response: { status_code: number; request_id: string; body: unknown } | null;
  error: { code: string; message: string } | null;
}

export const FILE_PURPOSES = ['batch', 'batch_output'] as const;
export type FilePurpose = (typeof FILE_PURPOSES)[number];

/** OpenAI's `OpenAIFile` object. */
export interface OpenAIFile {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  expires_at: number | null;
  filename: string;
  purpose: FilePurpose;
  status: 'processed';
}

/** A batch line's request id in the pipeline: deterministic, so logs and events name it across retries. */
export const batchRequestId = (batchId: string, customId: string): string => `${batchId}-${customId}`;
