/** Cooldown settings, as `router.cooldown` in the config. */
export interface CooldownSettings {
  /** Failures within `windowMs` that take a deployment out. */
  failures: number;
  windowMs: number;
  /** How long it stays out before one request probes it. */
  durationMs: number;
}

/**
 * `healthy`: take it. `cooling`: skip it. `probe`: its cooldown is over and no probe is out:
 * one request may take it. `probing`: a probe is out: skip it until that one ends.
 */
export type Availability = 'healthy' | 'cooling' | 'probe' | 'probing';

export interface Health {
  /** A request to the deployment failed in a way that counts (429, 5xx, connection, upstream timeout). */
  failed(deployment: string, now: number): void;
  succeeded(deployment: string, now: number): void;
  /** A request was sent to the deployment: when its cooldown is over, that one is the probe. */
  sent(deployment: string, now: number): void;
  availability(deployment: string, now: number): Availability;
  /** When the deployment's cooldown ends; undefined when it is not cooling. */
  coolingUntil(deployment: string, now: number): number | undefined;
}

type State =
  | { kind: 'closed'; failures: number[] }
  | { kind: 'open'; until: number }
  | { kind: 'half-open'; probeSince: number | undefined };

/**
 * A circuit breaker per deployment, fed only by events, so every router replica fed the same
 * events agrees. Closed: failures are counted in a sliding window; `failures` of them open it.
 * Open for `durationMs`, then half-open: one request probes it; its success closes the circuit,
 * its failure opens it again. A probe not heard of within `durationMs` lets another go.
 * Outcomes of requests sent before the circuit opened change nothing while it is open.
 */
export function createHealth(settings: CooldownSettings): Health {
  const states = new Map<string, State>();

  /** The state at `now`: an open circuit whose time is up is half-open. */
  const stateOf = (deployment: string, now: number): State => {
    const s = states.get(deployment);
    if (s === undefined) return { kind: 'closed', failures: [] };
    if (s.kind === 'open' && now >= s.until) {
      const halfOpen: State = { kind: 'half-open', probeSince: undefined };
      states.set(deployment, halfOpen);
      return halfOpen;
    }
    return s;
  };
  const open = (deployment: string, now: number): void => {
    states.set(deployment, { kind: 'open', until: now + settings.durationMs });
  };

  return {
    failed(deployment, now) {
      const s = stateOf(deployment, now);
      if (s.kind === 'open') return;
      if (s.kind === 'half-open') return open(deployment, now);
      const failures = [...s.failures.filter((t) => now - t < settings.windowMs), now];
      if (failures.length >= settings.failures) open(deployment, now);
      else states.set(deployment, { kind: 'closed', failures });
    },
    succeeded(deployment, now) {
      if (stateOf(deployment, now).kind === 'half-open') states.delete(deployment);
    },
    sent(deployment, now) {
      const s = stateOf(deployment, now);
      if (s.kind === 'half-open' && !probeOut(s, now)) s.probeSince = now;
    },
    availability(deployment, now) {
      const s = stateOf(deployment, now);
      if (s.kind === 'closed') return 'healthy';
      if (s.kind === 'open') return 'cooling';
      return probeOut(s, now) ? 'probing' : 'probe';
    },
    coolingUntil(deployment, now) {
      const s = stateOf(deployment, now);
      return s.kind === 'open' ? s.until : undefined;
    },
  };

  function probeOut(s: { probeSince: number | undefined }, now: number): boolean {
    return s.probeSince !== undefined && now - s.probeSince < settings.durationMs;
  }
}
