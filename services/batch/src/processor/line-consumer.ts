import { jetstream, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@switchyard/bus';
import { BATCH_ITEMS_STREAM } from '@switchyard/contracts';
import type { Logger } from '@switchyard/log';
import { ITEMS_CONSUMER } from '../store/streams.js';
import type { Disposition } from './process-line.js';

/** A line that could not be handled (the KV store is down, say) waits this long before its next delivery. */
const FAILURE_DELAY_MS = 1_000;

export interface LineConsumer {
  /** Stops taking lines, hands back those taken and not started, waits for those in flight. */
  stop(): Promise<void>;
}

/**
 * Pulls lines from the work queue and handles at most `concurrency` at once, so a batch never
 * takes more of the pipeline than the operator gave it. A line is acknowledged only when handled.
 */
export async function startLineConsumer(opts: {
  nc: NatsConnection;
  log: Logger;
  concurrency: number;
  handle(msg: JsMsg): Promise<Disposition>;
}): Promise<LineConsumer> {
  const { log, concurrency } = opts;
  const consumer = await jetstream(opts.nc).consumers.get(BATCH_ITEMS_STREAM, ITEMS_CONSUMER);
  const messages = await consumer.consume({ max_messages: concurrency });
  const inFlight = new Set<Promise<void>>();
  let stopping = false;

  const run = async (m: JsMsg): Promise<void> => {
    try {
      const outcome = await opts.handle(m);
      if (outcome.ack) await m.ackAck();
      else m.nak(outcome.delayMs);
    } catch (err) {
      log.error({ err }, 'a batch line could not be handled; it will be delivered again');
      m.nak(FAILURE_DELAY_MS);
    }
  };

  const loop = (async () => {
    for await (const m of messages) {
      if (stopping) {
        m.nak();
        continue;
      }
      const p = run(m).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
  })();

  return {
    async stop() {
      stopping = true;
      await messages.close();
      await loop.catch(() => undefined);
      await Promise.allSettled([...inFlight]);
    },
  };
}
