import { getHeader, type StageHandler } from '@switchyard/bus';
import type { SwitchyardConfig } from '@switchyard/config';
import { GatewayError, Headers, StageNames, Subjects } from '@switchyard/contracts';
import { createResolveRoute } from '../domain/resolve-route.js';

export interface RouteChatDeps {
  config: Pick<SwitchyardConfig, 'models'>;
}

/**
 * Picks the deployment from the `sy-model` header alone (the body is never parsed here) and
 * forwards to that provider's workers. Naming the provider's stage lets the stage helper answer
 * 503 at once when no worker for it runs.
 */
export function createRouteChat({ config }: RouteChatDeps): StageHandler {
  const resolve = createResolveRoute(config.models);

  return (req) => {
    const h = req.headers;
    const model = getHeader(h, Headers.model);
    if (model === undefined) {
      throw new GatewayError('invalid_request', 'You must provide a model parameter.', { param: 'model' });
    }
    const route = resolve(model);
    h.set(Headers.provider, route.provider);
    h.set(Headers.deployment, route.deployment);
    h.set(Headers.upstreamModel, route.upstreamModel);
    // A retry sent back here by a worker arrives with its attempt counted already.
    if (getHeader(h, Headers.attempt) === undefined) h.set(Headers.attempt, '1');
    return { forward: Subjects.provider(route.provider), stage: StageNames.provider(route.provider) };
  };
}
