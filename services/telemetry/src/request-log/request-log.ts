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
import { createInbox, natsHeaders, type Msg, type NatsConnection } from '@switchyard/bus';
import type { SwitchyardConfig } from '@switchyard/config';
import {
  EVENTS_STREAM,
  REQUEST_CONTENT_STREAM,
  RequestCompleted,
  RequestRecord,
  Subjects,
  type RequestLogPage,
  type RequestLogQuery,
} from '@switchyard/contracts';
import type { Logger } from '@switchyard/log';
import { ensureStream, nanos } from '@switchyard/store';
import { contentSubject } from '../content/content-subject.js';
import type { StoredContent } from '../content/record-content.js';
import { matchesQuery, toRequestRecord } from './to-record.js';

export interface RequestLog {
  /**
   * Appends a request's content, already redacted; the query joins it to the record by request
   * id. Never throws or waits (a failed write is logged and counted).
   */
  appendContent(requestId: string, content: StoredContent): void;
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
/** A write the stream has not acknowledged in this time counts as failed (nats.js's default for a publish). */
const ACK_TIMEOUT_MS = 5_000;

export interface RequestLogDeps {
  nc: NatsConnection;
  log: Logger;
  config: SwitchyardConfig['telemetry']['request_log'];
  /** Copies the server cluster keeps of the content stream (`jetstream.replicas`). */
  replicas?: number;
  /** Called for every request's content that could not be written (metrics). */
  onDropped?: (reason: 'backlog' | 'error') => void;
}

/**
 * The request log. Its records are the completion events the events stream holds already (see
 * `eventsRetention`), each turned into a record when a query reads it: nothing more is written
 * per request. A query scans the stream from its start time and keeps the newest matches, so its
 * cost is bounded by the retention. Records older than `max_age_hours` are never served.
 * Recorded content goes to the `SWITCHYARD_REQUESTS` stream, created (or its limits updated)
 * here when `record_content` is on.
 */
export async function startRequestLog({
  nc,
  log,
  config,
  replicas = 1,
  onDropped,
}: RequestLogDeps): Promise<RequestLog> {
  const jsm = await jetstreamManager(nc);
  if (config.record_content) await ensureContentStream(jsm, config, replicas);
  const js = jetstream(nc);
  const acks = createAcks(nc, (err, requestId) => {
    onDropped?.('error');
    log.warn({ err, request_id: requestId }, 'request content write failed');
  });

  /** One write into the stream; the stream stores a message once, however often it is written (a replayed event). */
  const write = (subject: string, data: string, msgId: string, requestId: string): void => {
    if (acks.pending() >= MAX_PENDING_WRITES) {
      onDropped?.('backlog');
      return;
    }
    const headers = natsHeaders();
    headers.set('Nats-Msg-Id', msgId);
    const reply = acks.expect(requestId);
    try {
      nc.publish(subject, data, { reply, headers });
    } catch (err) {
      // A closed connection or content over the server's max_payload: a failed write, not a throw.
      acks.failed(reply, err instanceof Error ? err : new Error(String(err)));
    }
  };
  const maxAgeMs = config.max_age_hours * 3_600_000;

  return {
    appendContent(requestId, content) {
      write(contentSubject(requestId), JSON.stringify(content), `content:${requestId}`, requestId);
    },
    query: async (q) => {
      const oldest = Date.now() - maxAgeMs;
      const page = await scan(js, jsm, { ...q, since: Math.max(q.since ?? oldest, oldest) });
      if (config.record_content) await joinContent(jsm, page.data);
      return page;
    },
    stop: () => acks.stop(),
  };
}

/** The content stream, with the request log's retention. */
async function ensureContentStream(
  jsm: JetStreamManager,
  config: SwitchyardConfig['telemetry']['request_log'],
  replicas: number,
): Promise<void> {
  await ensureStream(jsm, {
    name: REQUEST_CONTENT_STREAM,
    subjects: [`${Subjects.requestLogContent}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(config.max_age_hours * 3_600_000),
    max_bytes: config.max_bytes,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    num_replicas: replicas,
  });
}

/** Each record's content, when it has any: the stream's last message on its content subject. */
async function joinContent(jsm: JetStreamManager, records: RequestRecord[]): Promise<void> {
  await Promise.all(
    records.map(async (record) => {
      const m = await jsm.streams
        .getMessage(REQUEST_CONTENT_STREAM, { last_by_subj: contentSubject(record.request_id) })
        .catch(() => null);
      const parsed = m === null ? undefined : RequestRecord.shape.content.safeParse(m.json());
      if (parsed?.success) record.content = parsed.data;
    }),
  );
}

interface Acks {
  /** A reply subject for one write's acknowledgement. */
  expect(requestId: string): string;
  /** The write could not be sent: counted as failed at once. */
  failed(subject: string, err: Error): void;
  /** Writes not acknowledged yet. */
  pending(): number;
  /** Waits for the writes in flight (up to their timeout), then stops listening. */
  stop(): Promise<void>;
}

/** What a stream's reply to a write says went wrong; undefined when it stored the record. */
function ackError(msg: Msg): Error | undefined {
  // No stream listens on the subject (JetStream off, stream deleted): the server says 503.
  if (msg.headers?.hasError) return new Error(`no stream took the record (${msg.headers.code})`);
  try {
    const ack = msg.json<{ stream?: string; error?: { description?: string } }>();
    if (ack.error !== undefined) return new Error(ack.error.description ?? 'the stream refused the record');
    return ack.stream ? undefined : new Error('invalid ack response');
  } catch {
    return new Error('invalid ack response');
  }
}

/**
 * The acknowledgements of every write on one wildcard subscription, timed out by one timer: what
 * `js.publish` does per write (a request, a timer, and error objects with stack traces built in
 * advance) cost the telemetry process about 8% of its CPU.
 */
function createAcks(nc: NatsConnection, onFailed: (err: Error, requestId: string) => void): Acks {
  const prefix = createInbox();
  /** Reply subject → the write's request id and when it was sent; oldest first. */
  const waiting = new Map<string, { requestId: string; sentAt: number }>();
  let next = 0;
  let drained: (() => void) | undefined;
  const settled = (subject: string): void => {
    waiting.delete(subject);
    if (waiting.size === 0) drained?.();
  };

  const sub = nc.subscribe(`${prefix}.*`, {
    callback: (err, msg) => {
      const write = err ? undefined : waiting.get(msg.subject);
      if (write === undefined) return;
      const problem = ackError(msg);
      if (problem !== undefined) onFailed(problem, write.requestId);
      settled(msg.subject);
    },
  });
  const expire = (): void => {
    const oldest = Date.now() - ACK_TIMEOUT_MS;
    for (const [subject, write] of waiting) {
      if (write.sentAt > oldest) break;
      onFailed(new Error(`no acknowledgement in ${ACK_TIMEOUT_MS} ms`), write.requestId);
      settled(subject);
    }
  };
  const timer = setInterval(expire, 1_000);
  timer.unref();

  return {
    expect(requestId) {
      const subject = `${prefix}.${(next++).toString(36)}`;
      waiting.set(subject, { requestId, sentAt: Date.now() });
      return subject;
    },
    failed(subject, err) {
      const write = waiting.get(subject);
      if (write === undefined) return;
      onFailed(err, write.requestId);
      settled(subject);
    },
    pending: () => waiting.size,
    async stop() {
      if (waiting.size > 0) await new Promise<void>((resolve) => (drained = resolve));
      clearInterval(timer);
      sub.unsubscribe();
    },
  };
}

async function scan(
  js: JetStreamClient,
  jsm: JetStreamManager,
  q: RequestLogQuery & { since: number },
): Promise<RequestLogPage> {
  const { state } = await jsm.streams.info(EVENTS_STREAM);
  const empty: RequestLogPage = { object: 'list', data: [], has_more: false };
  // Stored after it was received: the event of a request received at `since` is stored no earlier.
  if (state.messages === 0 || Date.parse(state.last_ts) < q.since) return empty;
  const lastSeq = state.last_seq;

  const consumer = await js.consumers.get(EVENTS_STREAM, {
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: new Date(q.since).toISOString(),
    filter_subjects: Subjects.events.requestCompleted,
  });
  const newest: RequestRecord[] = [];
  let dropped = false;
  const messages = await consumer.consume({ max_messages: SCAN_BATCH });
  try {
    for await (const m of messages) {
      const parsed = RequestCompleted.safeParse(m.json());
      const record = parsed.success ? toRequestRecord(parsed.data) : undefined;
      if (record !== undefined && matchesQuery(record, q)) {
        newest.push(record);
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
