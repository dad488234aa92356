import type { Candidate, Strategy, StrategyContext } from './types.js';

/**
 * The lowest moving average of time to first token for a stream, of total duration otherwise
 * (each falls back to the other). A deployment not measured yet goes first, so every one gets
 * measured; ties: first listed.
 */
export const leastLatency: Strategy = (candidates, ctx) => {
  let best = candidates[0]!;
  let lowest = scoreOf(best, ctx);
  for (const c of candidates.slice(1)) {
    const score = scoreOf(c, ctx);
    if (score < lowest) [best, lowest] = [c, score];
  }
  return best;
};

function scoreOf(c: Candidate, { latency, stream }: StrategyContext): number {
  const l = latency(c.deployment);
  const score = stream ? (l?.ttftMs ?? l?.durationMs) : (l?.durationMs ?? l?.ttftMs);
  return score ?? -1;
}
