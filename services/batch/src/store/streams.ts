import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  jetstreamManager,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@switchyard/bus';
import { ensureStream, nanos } from '@switchyard/store';
import { BATCH_ANSWERS_STREAM, BATCH_ITEMS_STREAM, Subjects } from '@switchyard/contracts';

/** Every replica pulls lines from this one durable consumer: each line goes to one of them. */
export const ITEMS_CONSUMER = 'batch';
/** A line taken is delivered again this long after its request's deadline if not acknowledged. */
const ACK_GRACE_MS = 5_000;
/** A publish of the same line again (a retried `create`) within this window is stored once. */
const DUPLICATE_WINDOW_MS = 10 * 60_000;

/**
 * The items stream (work-queue retention: a line leaves it when acknowledged) with its consumer,
 * and the answers stream, which keeps the last answer per line so that one sent to a processor
 * that died is not lost. `AckWait` exceeds a line's deadline: a line is delivered again only once
 * its first try can no longer be answered, so no line is ever in flight twice.
 */
export async function ensureBatchStreams(
  nc: NatsConnection,
  opts: { requestTimeoutMs: number; concurrency: number; retentionMs: number; replicas?: number },
): Promise<JetStreamManager> {
  const jsm = await jetstreamManager(nc);
  await ensureStream(jsm, {
    name: BATCH_ITEMS_STREAM,
    subjects: [Subjects.batch.itemsAll],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    num_replicas: opts.replicas ?? 1,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
  });
  await ensureStream(jsm, {
    name: BATCH_ANSWERS_STREAM,
    subjects: [Subjects.batch.answersAll],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_msgs_per_subject: 1,
    max_age: nanos(opts.retentionMs),
    num_replicas: opts.replicas ?? 1,
  });
  const ackWait = nanos(opts.requestTimeoutMs + ACK_GRACE_MS);
  try {
    await jsm.consumers.add(BATCH_ITEMS_STREAM, {
      durable_name: ITEMS_CONSUMER,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: ackWait,
      // Retries are bounded by the processor (batch.max_attempts), which then acknowledges the line:
      // a line the server stopped delivering would stay in the work queue and hold its batch open.
      max_deliver: -1,
      max_ack_pending: Math.max(opts.concurrency * 4, 64),
    });
  } catch {
    await jsm.consumers.update(BATCH_ITEMS_STREAM, ITEMS_CONSUMER, { ack_wait: ackWait });
  }
  return jsm;
}

/** Lines of a batch still in the work queue: waiting, or taken and not yet acknowledged. */
export async function pendingLines(jsm: JetStreamManager, batchId: string): Promise<number> {
  const subject = Subjects.batch.items(batchId);
  const info = await jsm.streams.info(BATCH_ITEMS_STREAM, { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
}

/** Removes every line of a batch from the work queue, taken or not; resolves with how many. */
export async function dropLines(jsm: JetStreamManager, batchId: string): Promise<number> {
  const { purged } = await jsm.streams.purge(BATCH_ITEMS_STREAM, { filter: Subjects.batch.items(batchId) });
  return purged;
}
