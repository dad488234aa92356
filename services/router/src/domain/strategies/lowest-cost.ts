import type { Candidate, Strategy, StrategyContext } from './types.js';

/**
 * The lowest list price (input plus output per million tokens, from the price table and the
 * config's overrides); a deployment of unknown price goes last; ties: first listed.
 */
export const lowestCost: Strategy = (candidates, ctx) => {
  let best = candidates[0]!;
  let lowest = costOf(best, ctx);
  for (const c of candidates.slice(1)) {
    const cost = costOf(c, ctx);
    if (cost < lowest) [best, lowest] = [c, cost];
  }
  return best;
};

function costOf(c: Candidate, { price }: StrategyContext): number {
  const p = price(c);
  return p === undefined ? Infinity : p.input + p.output;
}
