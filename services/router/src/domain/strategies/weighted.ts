import type { Strategy } from './types.js';

/** Random, each candidate in proportion to its `weight`. */
export const weighted: Strategy = (candidates, { random }) => {
  const total = candidates.reduce((sum, c) => sum + c.weight, 0);
  let point = random() * total;
  for (const c of candidates) {
    point -= c.weight;
    if (point < 0) return c;
  }
  // Rounding may leave a sliver past the last one.
  return candidates[candidates.length - 1]!;
};
