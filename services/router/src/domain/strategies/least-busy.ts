import type { Strategy } from './types.js';

/** The fewest requests in flight, as every router counts them from attempt events; ties: first listed. */
export const leastBusy: Strategy = (candidates, { inFlight }) => {
  let best = candidates[0]!;
  let fewest = inFlight(best.deployment);
  for (const c of candidates.slice(1)) {
    const n = inFlight(c.deployment);
    if (n < fewest) [best, fewest] = [c, n];
  }
  return best;
};
