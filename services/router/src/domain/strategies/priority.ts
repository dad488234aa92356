import type { Strategy } from './types.js';

/** The lowest `priority`; among equals, the first listed. The default strategy. */
export const priority: Strategy = (candidates) =>
  candidates.reduce((best, c) => (c.priority < best.priority ? c : best));
