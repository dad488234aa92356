import type { Heartbeat } from '@switchyard/bus';

/** An instance unheard of for this long is gone (presence heartbeats come every second). */
const EXPIRY_MS = 3_500;

export interface StageLoad {
  /** Takes one presence heartbeat: an instance's load per stage, or its leaving. */
  heard(beat: Heartbeat, now: number): void;
  /** Per stage: the load of its live instances, summed. */
  totals(now: number): Map<string, number>;
}

/**
 * Messages each stage has taken off NATS and not finished handling, from the load every stage
 * instance reports in its presence heartbeat: no monitoring endpoint needed, and every telemetry
 * replica sees every heartbeat.
 */
export function createStageLoad(): StageLoad {
  /** stage → instance → [load, last heard]. */
  const stages = new Map<string, Map<string, [number, number]>>();
  return {
    heard(beat, now) {
      for (const stage of beat.stages) {
        let instances = stages.get(stage);
        if (instances === undefined) stages.set(stage, (instances = new Map()));
        const load = beat.load?.[stage];
        if (beat.leaving || load === undefined) instances.delete(beat.instance);
        else instances.set(beat.instance, [load, now]);
      }
    },
    totals(now) {
      const totals = new Map<string, number>();
      for (const [stage, instances] of stages) {
        let sum = 0;
        for (const [instance, [load, at]] of instances) {
          if (now - at > EXPIRY_MS) instances.delete(instance);
          else sum += load;
        }
        // A stage with no live instance reads 0 until it is forgotten with the process.
        totals.set(stage, sum);
      }
      return totals;
    },
  };
}
