import type { JsMsg } from '@nats-io/jetstream';
import { Headers, batchRequestId, type BatchEndpoint } from '@switchyard/contracts';
import { isTakingLines } from '../domain/batch-record.js';
import { answeredResult, unansweredResult, type LineResult } from '../domain/line-result.js';
import type { BatchStore } from '../store/batch-store.js';
import type { ResultStore } from '../store/result-store.js';
import type { Answer } from './answer-frame.js';
import type { PipelineSender } from './pipeline-sender.js';
import type { Progress } from './progress.js';

/** A work item: one line of a batch. The caller's key travels in its `authorization` header. */
export interface LineItem {
  batch_id: string;
  line: number;
  custom_id: string;
  url: BatchEndpoint;
  body: Record<string, unknown>;
}

export interface ProcessLineDeps {
  batches: BatchStore;
  results: ResultStore;
  sender: PipelineSender;
  maxAttempts: number;
  retryDelayMs: number;
  progress: Pick<Progress, 'add'>;
}

/** What to do with the work item once handled: acknowledge it, or deliver it again after a delay. */
export type Disposition = { ack: true } | { ack: false; delayMs: number };
const ACK: Disposition = { ack: true };

const decoder = new TextDecoder();

/**
 * Handles one delivery of a line, idempotently: a line with a stored result is not sent again; a
 * line delivered again (its processor died) first looks for the answer its earlier try was sent,
 * and is sent again only if there is none. The result is stored before the item is acknowledged.
 * Failures that may pass (429, 5xx, timeouts) are retried later, up to `maxAttempts` tries.
 */
export function createProcessLine(deps: ProcessLineDeps) {
  const { batches, results, sender } = deps;

  const store = async (batchId: string, result: LineResult): Promise<Disposition> => {
    if (await results.put(batchId, result)) deps.progress.add(batchId, result.succeeded);
    return ACK;
  };

  return async (msg: Pick<JsMsg, 'data' | 'headers' | 'info'>): Promise<Disposition> => {
    const item = JSON.parse(decoder.decode(msg.data)) as LineItem;
    const attempt = msg.info.deliveryCount;
    const requestId =
      attempt === 1
        ? batchRequestId(item.batch_id, item.custom_id)
        : `${batchRequestId(item.batch_id, item.custom_id)}-try${attempt}`;
    const record = await batches.get(item.batch_id);
    if (record === undefined) return ACK;
    if (!isTakingLines(record)) {
      if (record.stop !== 'expire') return ACK;
      return store(
        item.batch_id,
        unansweredResult(
          item.line,
          item.custom_id,
          requestId,
          'batch_expired',
          'The batch expired before this request was sent.',
        ),
      );
    }
    if ((await results.get(item.batch_id, item.line)) !== undefined) return ACK;

    let answer: Answer | undefined;
    if (attempt > 1) {
      answer = await sender.keptAnswer(item.batch_id, item.line);
      // A kept failure that may pass was a try like any other: this delivery is the next one.
      if (answer?.kind === 'error' && answer.retryable) answer = undefined;
    }
    answer ??= await sender.send({
      batchId: item.batch_id,
      line: item.line,
      endpoint: item.url,
      body: item.body,
      authorization: msg.headers?.get(Headers.authorization) || undefined,
      requestId,
    });

    const retryable = answer === undefined || (answer.kind === 'error' && answer.retryable);
    if (retryable && attempt < deps.maxAttempts) {
      const backoff = deps.retryDelayMs * 2 ** (attempt - 1);
      const delayMs =
        answer?.kind === 'error' && answer.retryAfterMs !== undefined ? answer.retryAfterMs : backoff;
      return { ack: false, delayMs };
    }
    const result =
      answer === undefined
        ? unansweredResult(
            item.line,
            item.custom_id,
            requestId,
            'timeout',
            'No answer came before the deadline.',
          )
        : answeredResult(item.line, item.custom_id, requestId, answer.status, answer.body);
    return store(item.batch_id, result);
  };
}
