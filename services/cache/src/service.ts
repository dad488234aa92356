import { startStage } from '@switchyard/bus';
import { QueueGroups, StageNames, Subjects } from '@switchyard/contracts';
import type { RunningService, ServiceDeps } from '@switchyard/runtime';
import { createPassThrough } from './handlers/pass-through.js';

/** The cache stage, between policy and the router. */
export async function startCache({ nc, presence, log }: ServiceDeps): Promise<RunningService> {
  const stage = await startStage({
    nc,
    presence,
    log,
    name: StageNames.cache,
    queue: QueueGroups.cache,
    subjects: [Subjects.cache],
    handle: createPassThrough(),
  });
  return { stop: () => stage.stop() };
}
