import { Subjects, type StoreUnavailable } from '@switchyard/contracts';
import type { NatsConnection } from '@nats-io/transport-node';
import type { BusLogger } from './connect.js';
import { publishEvent } from './local-events.js';

export interface StoreAlarm {
  /** One request met the store unavailable and was handled by `action` (`fail_open`, `bypass`, …). */
  report(action: string, err?: unknown): void;
  /** The store answered again: the next failure logs anew. */
  recovered(): void;
}

/**
 * Tells operators a store is unreachable without flooding them: one log line when an outage
 * starts (and one when it ends), and a `store.unavailable` event at most every `everyMs` with the
 * count of requests affected since the last one, which telemetry turns into a counter.
 */
export function createStoreAlarm(
  nc: NatsConnection,
  log: BusLogger,
  options: { service: string; store: string; everyMs?: number },
): StoreAlarm {
  const { service, store, everyMs = 1000 } = options;
  let down = false;
  const pending = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;

  const flush = (): void => {
    timer = undefined;
    for (const [action, count] of pending) {
      const event: StoreUnavailable = { service, store, action, count, at: Date.now() };
      publishEvent(nc, Subjects.events.storeUnavailable, JSON.stringify(event));
    }
    pending.clear();
  };

  return {
    report(action, err) {
      if (!down) {
        down = true;
        log.error(
          { store, action, err: err instanceof Error ? err.message : err },
          `${store} is unavailable`,
        );
      }
      pending.set(action, (pending.get(action) ?? 0) + 1);
      if (timer === undefined) {
        flush();
        timer = setTimeout(flush, everyMs);
        timer.unref();
      }
    },
    recovered() {
      if (!down) return;
      down = false;
      log.info({ store }, `${store} is available again`);
    },
  };
}
