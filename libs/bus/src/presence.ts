import { randomUUID } from 'node:crypto';
import { Subjects } from '@switchyard/contracts';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';

const HEARTBEAT_MS = 1_000;
/** A stage unheard of for this long is taken as gone. */
const EXPIRY_MS = 3_500;
/** Right after start we have not heard everyone yet: unknown stages count as alive meanwhile. */
const WARMUP_MS = 1_500;

export interface Heartbeat {
  instance: string;
  stages: string[];
  leaving?: boolean;
  /** Per stage: messages this instance has taken and not finished handling (telemetry exports it). */
  load?: Record<string, number>;
}

export interface Presence {
  /** Start announcing that this process serves `stage`, with its load when `load` is given. */
  announce(stage: string, load?: () => number): void;
  /** Stop announcing `stage` and tell peers at once. */
  withdraw(stage: string): void;
  /** Whether some process serves `stage`. In-memory: costs no I/O on the request path. */
  isAlive(stage: string): boolean;
  stop(): Promise<void>;
}

/**
 * Stage heartbeats over NATS. A stage forwarding to the next one checks it here first, so a
 * request to a pipeline with a missing service is answered 503 at once instead of hanging
 * until its deadline (core NATS drops a message nobody subscribes to, silently).
 */
export function createPresence(nc: NatsConnection): Presence {
  const instance = randomUUID();
  const startedAt = Date.now();
  /** Stages this process serves → their load, when they report one. */
  const mine = new Map<string, (() => number) | undefined>();
  /** stage → instance → last heard (ms). */
  const seen = new Map<string, Map<string, number>>();

  const send = (stages: string[], leaving = false): void => {
    if (nc.isClosed() || stages.length === 0) return;
    const beat: Heartbeat = { instance, stages, leaving };
    if (!leaving) {
      const load: Record<string, number> = {};
      for (const stage of stages) {
        const of = mine.get(stage);
        if (of !== undefined) load[stage] = of();
      }
      beat.load = load;
    }
    nc.publish(Subjects.presence, JSON.stringify(beat));
  };

  const record = (beat: Heartbeat): void => {
    const now = Date.now();
    for (const stage of beat.stages) {
      let instances = seen.get(stage);
      if (!instances) seen.set(stage, (instances = new Map()));
      if (beat.leaving) instances.delete(beat.instance);
      else instances.set(beat.instance, now);
    }
  };

  const subs: Subscription[] = [
    nc.subscribe(Subjects.presence, {
      callback: (err, msg) => {
        if (err) return;
        try {
          record(msg.json<Heartbeat>());
        } catch {
          // A malformed heartbeat from a foreign publisher is ignored, not fatal.
        }
      },
    }),
    nc.subscribe(Subjects.presenceQuery, { callback: () => send([...mine.keys()]) }),
  ];
  nc.publish(Subjects.presenceQuery);
  const timer = setInterval(() => send([...mine.keys()]), HEARTBEAT_MS);
  timer.unref();

  return {
    announce(stage, load) {
      mine.set(stage, load);
      send([stage]);
    },
    withdraw(stage) {
      if (mine.delete(stage)) send([stage], true);
    },
    isAlive(stage) {
      if (mine.has(stage)) return true;
      const now = Date.now();
      const instances = seen.get(stage);
      if (instances) {
        for (const last of instances.values()) if (now - last < EXPIRY_MS) return true;
      }
      return now - startedAt < WARMUP_MS && instances === undefined;
    },
    async stop() {
      clearInterval(timer);
      send([...mine.keys()], true);
      mine.clear();
      for (const sub of subs) sub.unsubscribe();
    },
  };
}
