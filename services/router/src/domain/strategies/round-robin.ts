import type { Strategy } from './types.js';

/** Each in turn. A candidate left out (cooling, excluded) shifts the turn; the spread stays even. */
export const roundRobin: Strategy = (candidates, { turn }) => candidates[turn % candidates.length]!;
