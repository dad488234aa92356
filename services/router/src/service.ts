import { getHeader, startStage, type StageHandler } from '@switchyard/bus';
import {
  GatewayError,
  Headers,
  Ops,
  QueueGroups,
  StageNames,
  Subjects,
  isOp,
  type Op,
} from '@switchyard/contracts';
import type { RunningService, ServiceDeps } from '@switchyard/runtime';
import { createListModels } from './handlers/list-models.js';
import { createRouteChat } from './handlers/route-chat.js';

/** The route stage: model alias → deployment → that provider's workers. */
export async function startRouter(deps: ServiceDeps): Promise<RunningService> {
  const { nc, presence, log } = deps;
  const createdSec = Math.floor(Date.now() / 1000);

  // One subject carries every op; `sy-op` says which handler answers.
  // Every op that names a model is routed alike: alias → deployment → provider.
  const routeModel = createRouteChat(deps);
  const byOp: Record<Op, StageHandler> = {
    [Ops.chatCompletions]: routeModel,
    [Ops.embeddings]: routeModel,
    [Ops.models]: createListModels({ ...deps, createdSec }),
  };

  const stage = await startStage({
    nc,
    presence,
    log,
    name: StageNames.router,
    queue: QueueGroups.router,
    subjects: [Subjects.route],
    handle: (req) => {
      const op = getHeader(req.headers, Headers.op) ?? '';
      if (!isOp(op)) throw new GatewayError('invalid_request', `Unsupported operation '${op}'.`);
      return byOp[op](req);
    },
  });

  return { stop: () => stage.stop() };
}
