import type { StageHandler } from '@switchyard/bus';
import { StageNames, Subjects } from '@switchyard/contracts';

/**
 * Every request is a miss for now: the exact-match lookup (a hit answers the requester, a miss
 * forwards) comes with the Redis-backed cache. Until then the stage exists so the pipeline has
 * its final shape, and forwards headers and body untouched.
 */
export function createPassThrough(): StageHandler {
  const next = { forward: Subjects.route, stage: StageNames.router } as const;
  return () => next;
}
