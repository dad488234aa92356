import { getHeader, type StageOutcome, type StageRequest } from '@switchyard/bus';
import type { SwitchyardConfig } from '@switchyard/config';
import { GatewayError, Headers, Ops, StageNames, Subjects, type Op } from '@switchyard/contracts';
import { createAuthenticate } from '../domain/authenticate.js';
import { buildKeyTable } from '../domain/key-table.js';

export interface AuthorizeDeps {
  config: Pick<SwitchyardConfig, 'keys' | 'master_key'>;
}

/** Where each op goes once admitted: listing models needs no cache. */
const NEXT_STAGE: Record<Op, NonNullable<StageOutcome>> = {
  [Ops.chatCompletions]: { forward: Subjects.cache, stage: StageNames.cache },
  // Not cached for now: straight to the router.
  [Ops.embeddings]: { forward: Subjects.route, stage: StageNames.router },
  [Ops.models]: { forward: Subjects.route, stage: StageNames.router },
};

/** Ops that name a model, which the key must be allowed to use. */
const MODEL_OPS: ReadonlySet<Op> = new Set([Ops.chatCompletions, Ops.embeddings]);

export type Authorize = (req: StageRequest, op: Op) => StageOutcome;

/**
 * Authenticates the key from memory, checks the model is one the key may use, stamps who the
 * request acts as, and removes the secret so it reaches no later stage and no log.
 */
export function createAuthorize({ config }: AuthorizeDeps): Authorize {
  const authenticate = createAuthenticate(buildKeyTable(config));

  return (req, op) => {
    const h = req.headers;
    const authorization = h.get(Headers.authorization, 'insensitive') || undefined;
    h.delete(Headers.authorization, 'insensitive');
    const who = authenticate(authorization);

    h.set(Headers.keyId, who.keyId);
    if (who.team === undefined) h.delete(Headers.team);
    else h.set(Headers.team, who.team);
    h.set(Headers.allowedModels, who.allowedModels);

    if (MODEL_OPS.has(op)) {
      const model = getHeader(h, Headers.model);
      if (model === undefined) {
        throw new GatewayError('invalid_request', 'You must provide a model parameter.', { param: 'model' });
      }
      if (!who.allows(model)) {
        throw new GatewayError(
          'forbidden',
          `The API key '${who.keyId}' is not allowed to use the model '${model}'.`,
          {
            param: 'model',
          },
        );
      }
    }
    return NEXT_STAGE[op];
  };
}
