import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@switchyard/bus';
import type { SwitchyardConfig } from '@switchyard/config';
import { EVENTS_STREAM, Subjects } from '@switchyard/contracts';
import type { Logger } from '@switchyard/log';
import { ensureStream, nanos } from '@switchyard/store';

/** Events are kept this long at least: telemetry down for longer loses the oldest of them. */
export const EVENTS_MAX_AGE_MS = 24 * 3_600_000;
const EVENTS_MAX_BYTES = 1024 * 1024 * 1024;

export interface EventsRetention {
  maxAgeMs: number;
  maxBytes: number;
}

/**
 * What the events stream keeps: a day and 1 GiB at least, for telemetry to catch up after being
 * down that long, and as much as the request log, which is read from it, is set to keep.
 */
export function eventsRetention(requestLog: SwitchyardConfig['telemetry']['request_log']): EventsRetention {
  if (!requestLog.enabled) return { maxAgeMs: EVENTS_MAX_AGE_MS, maxBytes: EVENTS_MAX_BYTES };
  return {
    maxAgeMs: Math.max(EVENTS_MAX_AGE_MS, requestLog.max_age_hours * 3_600_000),
    maxBytes: Math.max(EVENTS_MAX_BYTES, requestLog.max_bytes),
  };
}
/** A publish repeated within this window (same `Nats-Msg-Id`, the request id) is stored once. */
export const DUPLICATE_WINDOW_MS = 2 * 60_000;
/** Replicas share this durable consumer: each event goes to one of them. */
const DURABLE = 'telemetry';
/** An event taken and not acknowledged in this time goes to a replica again. */
const ACK_WAIT_MS = 10_000;
/** Events handled at once by one replica. */
const CONCURRENCY = 64;
/** How long a failed event waits before it is delivered again (the store is down, say). */
const RETRY_DELAY_MS = 1_000;
/** How often the consumer's ack floor is read for `onAckFloor`. */
const ACK_FLOOR_INTERVAL_MS = 10_000;

/** Handles one event; throwing sends it back to the stream, to be delivered again later. */
export type DurableEventHandler = (data: Uint8Array, seq: number) => Promise<void>;

export interface EventsConsumer {
  /** Stops taking events, hands back those taken and not started, waits for those in progress. */
  stop(): Promise<void>;
}

/**
 * The `SWITCHYARD_EVENTS` stream captures `request.completed` events as their publishers send them,
 * so the NATS server keeps them whatever telemetry is doing; a durable consumer with explicit acks
 * feeds them to `handle`, and an event is acknowledged only once handled. Events published while
 * telemetry was down, or taken by a replica that died before acknowledging them, are delivered
 * again: `handle` must be idempotent (the usage store and request log are, by request id).
 */
export async function startEventsConsumer({
  nc,
  log,
  handle,
  onAckFloor,
  ackFloorIntervalMs = ACK_FLOOR_INTERVAL_MS,
  retention = { maxAgeMs: EVENTS_MAX_AGE_MS, maxBytes: EVENTS_MAX_BYTES },
  replicas = 1,
}: {
  nc: NatsConnection;
  log: Logger;
  handle: DurableEventHandler;
  /** The stream's limits, applied to an existing stream too (`eventsRetention`). */
  retention?: EventsRetention;
  /** Copies the server cluster keeps of the stream (`jetstream.replicas`), applied to an existing stream too. */
  replicas?: number;
  /**
   * Given the consumer's ack floor every `ackFloorIntervalMs`: events up to that stream sequence
   * are acknowledged and never delivered again, so what `handle` remembers of them to stay
   * idempotent can go.
   */
  onAckFloor?: (ackFloorSeq: number) => Promise<void>;
  ackFloorIntervalMs?: number;
}): Promise<EventsConsumer> {
  const jsm = await jetstreamManager(nc);
  await ensureStream(jsm, {
    name: EVENTS_STREAM,
    subjects: [Subjects.events.requestCompleted],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(retention.maxAgeMs),
    max_bytes: retention.maxBytes,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    num_replicas: replicas,
  });
  const consumerConfig = {
    durable_name: DURABLE,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(ACK_WAIT_MS),
    max_ack_pending: 1_000,
  };
  try {
    await jsm.consumers.add(EVENTS_STREAM, consumerConfig);
  } catch {
    await jsm.consumers.update(EVENTS_STREAM, DURABLE, { ack_wait: consumerConfig.ack_wait });
  }

  const consumer = await jetstream(nc).consumers.get(EVENTS_STREAM, DURABLE);
  const messages = await consumer.consume({ max_messages: CONCURRENCY });
  const inProgress = new Set<Promise<void>>();
  let stopping = false;
  let failing = false;

  const run = async (m: JsMsg): Promise<void> => {
    try {
      await handle(m.data, m.seq);
      m.ack();
      if (failing) {
        failing = false;
        log.info('handling events again');
      }
    } catch (err) {
      m.nak(RETRY_DELAY_MS);
      // One line per outage, not one per event.
      if (!failing) log.error({ err }, 'an event could not be handled; it will be delivered again');
      failing = true;
    }
  };

  const loop = (async () => {
    for await (const m of messages) {
      // Taken but not started: back to the stream at once, for the next replica (or run).
      if (stopping) {
        m.nak();
        continue;
      }
      const p = run(m).finally(() => inProgress.delete(p));
      inProgress.add(p);
      if (inProgress.size >= CONCURRENCY) await Promise.race(inProgress);
    }
  })();

  const reportAckFloor = async (report: (ackFloorSeq: number) => Promise<void>): Promise<void> => {
    try {
      const info = await jsm.consumers.info(EVENTS_STREAM, DURABLE);
      await report(info.ack_floor.stream_seq);
    } catch (err) {
      // Nothing is lost by skipping a round: the next one reads a floor at least as high.
      log.debug({ err }, 'ack floor not read or not applied this round');
    }
  };
  let reporting: Promise<void> | undefined;
  // Off the request path; a round still running (NATS or the store slow) skips the next tick.
  const ackFloorTimer =
    onAckFloor &&
    setInterval(() => {
      reporting ??= reportAckFloor(onAckFloor).finally(() => (reporting = undefined));
    }, ackFloorIntervalMs);

  return {
    async stop() {
      stopping = true;
      clearInterval(ackFloorTimer);
      await messages.close();
      await loop.catch(() => undefined);
      await Promise.allSettled([...inProgress]);
      await reporting;
    },
  };
}
