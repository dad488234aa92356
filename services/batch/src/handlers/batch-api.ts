import { randomUUID } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import { natsHeaders, type NatsConnection } from '@switchyard/bus';
import type { BatchConfig } from '@switchyard/config';
import type { Logger } from '@switchyard/log';
import {
  BatchCreateRequest,
  BatchIdRequest,
  BatchListRequest,
  GatewayError,
  Headers,
  Subjects,
  type Batch,
} from '@switchyard/contracts';
import {
  FINAL_STATUSES,
  cancelled,
  failedValidation,
  newBatchRecord,
  ownerOf,
  started,
  type BatchRecord,
} from '../domain/batch-record.js';
import { parseBatchInput, type BatchLine } from '../domain/parse-input.js';
import type { LineItem } from '../processor/process-line.js';
import type { BatchStore } from '../store/batch-store.js';
import type { FileStore } from '@switchyard/store';
import { utf8 } from '../domain/utf8.js';
import { authenticate } from './authenticate.js';
import { serveApi, type ApiAnswer, type Subscription } from './serve-api.js';

/** Lines published to the work queue at once. */
const PUBLISH_BATCH = 256;

export interface BatchApiDeps {
  nc: NatsConnection;
  js: JetStreamClient;
  batches: BatchStore;
  files: FileStore;
  config: BatchConfig;
  masterKey: string | undefined;
  /** A batch was cancelled: it may be done already (nothing in flight). */
  onCancelled(batchId: string): void;
}

const decoder = new TextDecoder();
const notFound = (what: string, id: string) =>
  new GatewayError('not_found', `No such ${what}: '${id}'.`, { openaiCode: 'not_found' });

/** Serves the batch API: create, get, list and cancel, each on the caller's own batches (the master key: all). */
export function serveBatchApi(deps: BatchApiDeps, log: Logger): Subscription[] {
  const { nc, js, batches, files, config } = deps;
  const master = deps.masterKey === undefined ? undefined : ownerOf(deps.masterKey);
  const visible = (record: BatchRecord | undefined, owner: string) =>
    record !== undefined && (record.owner === owner || owner === master);

  const readInput = async (
    input: BatchCreateRequest,
    owner: string,
  ): Promise<{ fileId: string; text: string }> => {
    if (input.input_file_id === undefined) {
      const text = input.requests!.map((r) => JSON.stringify(r)).join('\n');
      const file = await files.put({
        id: `file-${randomUUID().replaceAll('-', '')}`,
        filename: 'batch_input.jsonl',
        purpose: 'batch',
        owner,
        data: utf8(text),
      });
      return { fileId: file.id, text };
    }
    const id = input.input_file_id;
    const stored = await files.info(id);
    if (stored === undefined || (stored.owner !== owner && owner !== master)) throw notFound('File', id);
    if (stored.file.purpose !== 'batch')
      throw new GatewayError('invalid_request', `File ${id} was not uploaded with purpose 'batch'.`, {
        param: 'input_file_id',
      });
    return { fileId: id, text: decoder.decode((await files.read(id)) ?? new Uint8Array(0)) };
  };

  const enqueue = async (batchId: string, lines: BatchLine[], authorization: string): Promise<void> => {
    const h = natsHeaders();
    // The key travels with each line, so a line delivered again is authenticated again; the work
    // queue drops it once handled. Only services may read these subjects (NATS accounts).
    h.set(Headers.authorization, authorization);
    for (let start = 0; start < lines.length; start += PUBLISH_BATCH) {
      await Promise.all(
        lines.slice(start, start + PUBLISH_BATCH).map((l) => {
          const item: LineItem = {
            batch_id: batchId,
            line: l.line,
            custom_id: l.custom_id,
            url: l.url,
            body: l.body,
          };
          return js.publish(Subjects.batch.items(batchId), JSON.stringify(item), {
            headers: h,
            msgID: `${batchId}.${l.line}`,
          });
        }),
      );
    }
  };

  const create = async (input: BatchCreateRequest, authorization: string | undefined): Promise<ApiAnswer> => {
    const owner = await authenticate(nc, authorization);
    const { fileId, text } = await readInput(input, owner);
    const id = `batch_${randomUUID().replaceAll('-', '')}`;
    const record = newBatchRecord({
      id,
      owner,
      endpoint: input.endpoint,
      inputFileId: fileId,
      metadata: input.metadata ?? null,
      now: Date.now(),
    });
    await batches.create(record);
    const parsed = parseBatchInput(text, input.endpoint, config.max_requests);
    if (!parsed.ok) {
      const failed = await batches.update(id, (r) => failedValidation(r, parsed.errors, Date.now()));
      return { body: failed!.batch };
    }
    await enqueue(id, parsed.lines, authorization!);
    const running = await batches.update(id, (r) => started(r, parsed.lines.length, Date.now()));
    return { body: running!.batch };
  };

  const get = async ({ id }: { id: string }, authorization: string | undefined): Promise<ApiAnswer> => {
    const owner = await authenticate(nc, authorization);
    const record = await batches.get(id);
    if (!visible(record, owner)) throw notFound('batch', id);
    return { body: record!.batch };
  };

  const list = async (input: BatchListRequest, authorization: string | undefined): Promise<ApiAnswer> => {
    const owner = await authenticate(nc, authorization);
    const mine = (await batches.list())
      .filter((r) => visible(r, owner))
      .map((r) => r.batch)
      .sort((a, b) => b.created_at - a.created_at || b.id.localeCompare(a.id));
    const from = input.after === undefined ? 0 : mine.findIndex((b) => b.id === input.after) + 1;
    const data: Batch[] = mine.slice(from, from + input.limit);
    return {
      body: {
        object: 'list',
        data,
        first_id: data[0]?.id ?? null,
        last_id: data.at(-1)?.id ?? null,
        has_more: from + data.length < mine.length,
      },
    };
  };

  const cancel = async ({ id }: { id: string }, authorization: string | undefined): Promise<ApiAnswer> => {
    const owner = await authenticate(nc, authorization);
    const record = await batches.get(id);
    if (!visible(record, owner)) throw notFound('batch', id);
    if (FINAL_STATUSES.has(record!.batch.status) && record!.batch.status !== 'cancelled')
      throw new GatewayError('conflict', `Cannot cancel a batch with status '${record!.batch.status}'.`);
    const updated = await batches.update(id, (r) => cancelled(r, Date.now()));
    deps.onCancelled(id);
    return { body: updated!.batch };
  };

  return [
    serveApi(nc, log, { subject: Subjects.batch.create, schema: BatchCreateRequest, handle: create }),
    serveApi(nc, log, { subject: Subjects.batch.get, schema: BatchIdRequest, handle: get }),
    serveApi(nc, log, { subject: Subjects.batch.list, schema: BatchListRequest, handle: list }),
    serveApi(nc, log, { subject: Subjects.batch.cancel, schema: BatchIdRequest, handle: cancel }),
  ];
}
