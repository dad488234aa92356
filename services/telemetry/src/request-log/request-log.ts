import {
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@switchyard/bus';
import type { SwitchyardConfig } from '@switchyard/config';
import {
  REQUEST_LOG_STREAM,
  RequestRecord,
  Subjects,
  type RequestLogPage,
  type RequestLogQuery,
} from '@switchyard/contracts';
import type { Logger } from '@switchyard/log';
import { ensureStream, nanos } from '../jetstream/ensure-stream.js';
import { matchesQuery } from './to-record.js';

export interface RequestLog {
  /** Appends a record; never throws or waits (a failed write is logged and counted). */
  append(record: RequestRecord): void;
  /** The newest records matching the query, newest first. */
  query(q: RequestLogQuery): Promise<RequestLogPage>;
  /** Waits for the writes in flight. */
  stop(): Promise<void>;
}

/** Writes past this many unacknowledged are dropped: a stalled JetStream must not grow the heap. */
const MAX_PENDING_WRITES = 10_000;
/** How long a record id is remembered to drop a replayed duplicate. */
const DUPLICATE_WINDOW_MS = 2 * 60_000;
/** Records fetched per pull while a query scans the stream. */
const SCAN_BATCH = 1_000;

export interface RequestLogDeps {
  nc: NatsConnection;
  log: Logger;
  config: SwitchyardConfig['telemetry']['request_log'];
  /** Called for every record that could not be written (metrics). */
  onDropped?: (reason: 'backlog' | 'error') => void;
}

/**
 * The request log: the `SWITCHYARD_REQUESTS` JetStream stream, created (or its limits updated)
 * here, with retention bounded by age and size. A query scans the stream from its start time
 * and keeps the newest matches, so its cost is bounded by the retention.
 */
export async function startRequestLog({ nc, log, config, onDropped }: RequestLogDeps): Promise<RequestLog> {
  const jsm = await jetstreamManager(nc);
  await ensureStream(jsm, {
    name: REQUEST_LOG_STREAM,
    subjects: [Subjects.requestLog],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(config.max_age_hours * 3_600_000),
    max_bytes: config.max_bytes,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
  });
  const js = jetstream(nc);
  let pending = 0;
  const writes = new Set<Promise<unknown>>();

  return {
    append(record) {
      if (pending >= MAX_PENDING_WRITES) {
        onDropped?.('backlog');
        return;
      }
      pending++;
      const write = js
        .publish(Subjects.requestLog, JSON.stringify(record), { msgID: record.request_id })
        .catch((err: unknown) => {
          onDropped?.('error');
          log.warn({ err, request_id: record.request_id }, 'request log write failed');
        })
        .finally(() => {
          pending--;
          writes.delete(write);
        });
      writes.add(write);
    },
    query: (q) => scan(js, jsm, q),
    async stop() {
      await Promise.allSettled([...writes]);
    },
  };
}

async function scan(js: JetStreamClient, jsm: JetStreamManager, q: RequestLogQuery): Promise<RequestLogPage> {
  const { state } = await jsm.streams.info(REQUEST_LOG_STREAM);
  const empty: RequestLogPage = { object: 'list', data: [], has_more: false };
  // Stored after it was received: a record of a request received at `since` is stored no earlier.
  if (state.messages === 0 || (q.since !== undefined && Date.parse(state.last_ts) < q.since)) return empty;
  const lastSeq = state.last_seq;

  const consumer = await js.consumers.get(
    REQUEST_LOG_STREAM,
    q.since === undefined
      ? { deliver_policy: DeliverPolicy.All }
      : { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(q.since).toISOString() },
  );
  const newest: RequestRecord[] = [];
  let dropped = false;
  const messages = await consumer.consume({ max_messages: SCAN_BATCH });
  try {
    for await (const m of messages) {
      const parsed = RequestRecord.safeParse(m.json());
      if (parsed.success && matchesQuery(parsed.data, q)) {
        newest.push(parsed.data);
        if (newest.length > q.limit) {
          newest.shift();
          dropped = true;
        }
      }
      if (m.seq >= lastSeq || m.info.pending === 0) break;
    }
  } finally {
    await messages.close();
  }
  return { object: 'list', data: newest.reverse(), has_more: dropped };
}
