import type { RoutingStrategy } from '@switchyard/config';
import { leastBusy } from './least-busy.js';
import { leastLatency } from './least-latency.js';
import { lowestCost } from './lowest-cost.js';
import { priority } from './priority.js';
import { roundRobin } from './round-robin.js';
import type { Strategy } from './types.js';
import { weighted } from './weighted.js';

export type { Candidate, LatencyStats, Strategy, StrategyContext } from './types.js';

/** Every strategy an alias may name, by its config name. */
export const STRATEGIES: Readonly<Record<RoutingStrategy, Strategy>> = {
  priority,
  weighted,
  'round-robin': roundRobin,
  'least-busy': leastBusy,
  'least-latency': leastLatency,
  'lowest-cost': lowestCost,
};
