import { getHeader, signRequest, type StageOutcome, type StageRequest } from '@switchyard/bus';
import { GatewayError, Headers, Ops, StageNames, Subjects, type Op } from '@switchyard/contracts';
import type { Admission } from '../admission/admission.js';
import type { KeyDirectory } from '../keys/key-directory.js';

export interface AuthorizeDeps {
  keys: Pick<KeyDirectory, 'authenticate'>;
  admission: Pick<Admission, 'admit'>;
  /** `policy.signing_secret`: when set, admitted requests are signed for the router and workers to check. */
  signingSecret?: string | undefined;
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

export type Authorize = (req: StageRequest, op: Op) => Promise<StageOutcome>;

/**
 * Authenticates the key from memory, checks the model is one the key may use, stamps who the
 * request acts as, removes the secret so it reaches no later stage and no log, then asks
 * admission (limits, budgets) whether it may go on now, and signs what it admitted.
 */
export function createAuthorize({ keys, admission, signingSecret }: AuthorizeDeps): Authorize {
  return async (req, op) => {
    const h = req.headers;
    const authorization = h.get(Headers.authorization, 'insensitive') || undefined;
    h.delete(Headers.authorization, 'insensitive');
    const who = keys.authenticate(authorization);

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
    await admission.admit(who, req, op);
    // Valid until the deadline every entry stamps: a captured request cannot be replayed later.
    if (signingSecret !== undefined) signRequest(h, signingSecret, Number(h.get(Headers.deadline)));
    return NEXT_STAGE[op];
  };
}
