import { randomUUID } from 'node:crypto';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import {
  GatewayError,
  Headers,
  Subjects,
  fromOpenAIErrorBody,
  type Batch,
  type BatchEndpoint,
  type BatchRequestInput,
} from '@switchyard/contracts';
import { toSwitchyardError } from './switchyard-error.js';

const DEFAULT_TIMEOUT_MS = 60_000;

export interface BatchClientOptions {
  /** An open NATS connection; the client does not close it. */
  nc: NatsConnection;
  /** Your Switchyard key: the batch runs as this key, with its models, limits and budget. */
  apiKey?: string | undefined;
  /** How long a call waits for the batch service. */
  timeoutMs?: number | undefined;
}

export interface SubmitBatchOptions {
  /** The endpoint every line calls; default `/v1/chat/completions`. */
  endpoint?: BatchEndpoint;
  metadata?: Record<string, string>;
}

export interface BatchList {
  object: 'list';
  data: Batch[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

/**
 * Durable batches over NATS (docs/batch.md): submit lines, then follow the batch. The batch
 * service runs the lines through the pipeline with your key and keeps the results; it answers
 * with OpenAI's `Batch` object. The output and error files are read over HTTP
 * (`GET /v1/files/{id}/content`) like any batch's.
 */
export class SwitchyardBatchClient {
  readonly #nc: NatsConnection;
  readonly #authorization: string | undefined;
  readonly #timeoutMs: number;

  constructor(options: BatchClientOptions) {
    this.#nc = options.nc;
    this.#authorization = options.apiKey ? `Bearer ${options.apiKey}` : undefined;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * Submits a batch: its lines in OpenAI's batch input shape (`custom_id` unique, `method: 'POST'`,
   * `url`, `body`), inline in one NATS message (so within the server's payload limit, 1 MB by
   * default; upload a file over HTTP for more). A batch with a bad line comes back `failed`, with
   * the problems in `errors`.
   */
  async submitBatch(
    requests: readonly BatchRequestInput[],
    options: SubmitBatchOptions = {},
  ): Promise<Batch> {
    return this.#call<Batch>(Subjects.batch.create, {
      requests,
      endpoint: options.endpoint ?? '/v1/chat/completions',
      completion_window: '24h',
      ...(options.metadata !== undefined && { metadata: options.metadata }),
    });
  }

  /** The batch now: status, `request_counts`, and the output and error file ids once done. */
  async getBatch(id: string): Promise<Batch> {
    return this.#call<Batch>(Subjects.batch.get, { id });
  }

  /** Stops sending the batch's lines; those in flight finish, and their results are kept. */
  async cancelBatch(id: string): Promise<Batch> {
    return this.#call<Batch>(Subjects.batch.cancel, { id });
  }

  /** Your batches, newest first. */
  async listBatches(options: { after?: string; limit?: number } = {}): Promise<BatchList> {
    return this.#call<BatchList>(Subjects.batch.list, options);
  }

  async #call<T>(subject: string, body: object): Promise<T> {
    const requestId = randomUUID();
    const h = headers();
    if (this.#authorization !== undefined) h.set(Headers.authorization, this.#authorization);
    let msg;
    try {
      msg = await this.#nc.request(subject, JSON.stringify(body), { headers: h, timeout: this.#timeoutMs });
    } catch (err) {
      const timedOut = /timeout/i.test((err as Error).message);
      throw toSwitchyardError(
        timedOut
          ? new GatewayError('timeout', 'The batch service did not answer in time.')
          : new GatewayError('unavailable', 'No batch service is running to answer this call.'),
        requestId,
      );
    }
    const status = Number(msg.headers?.get(Headers.status) || 200);
    if (status >= 400)
      throw toSwitchyardError(
        fromOpenAIErrorBody(msg.headers?.get(Headers.errorCode), msg.json()),
        requestId,
      );
    return msg.json<T>();
  }
}
