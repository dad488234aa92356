import { setTimeout as sleep } from 'node:timers/promises';
import { getHeader, type MsgHdrs, type StageHandler, type StageOutcome } from '@switchyard/bus';
import type { RouterConfig } from '@switchyard/config';
import {
  GatewayError,
  Headers,
  StageNames,
  Subjects,
  fromOpenAIErrorBody,
  type AttemptStarted,
} from '@switchyard/contracts';
import { ATTEMPT_TTL_MS, type DeploymentStats } from '../domain/deployment-stats.js';
import type { Health } from '../domain/health.js';
import { planRoute, type RouteRequest } from '../domain/plan-route.js';
import type { RouteTable } from '../domain/resolve-route.js';
import { STRATEGIES, type Candidate } from '../domain/strategies/index.js';

export interface RouteModelDeps {
  table: RouteTable;
  router: RouterConfig;
  health: Health;
  stats: DeploymentStats;
  providerAlive(provider: string): boolean;
  /** List price of a deployment's model, for `lowest-cost`. */
  priceOf(candidate: Candidate): { input: number; output: number } | undefined;
  /** Tells every router (this one included) that an attempt went out. */
  publishStarted(event: AttemptStarted): void;
  /** Aborted when the router stops: retries waiting for their turn are sent at once. */
  stopping?: AbortSignal;
  random?: () => number;
  now?: () => number;
}

/**
 * Picks the deployment from headers alone (the body is never parsed here) and forwards to that
 * provider's workers. A worker sends a request back here when an attempt failed before its first
 * byte, with the deployment excluded and the error kept: the next one is tried, or that error
 * answered. Naming the provider's stage lets the stage helper answer 503 at once when no worker
 * for it runs.
 */
export function createRouteModel(deps: RouteModelDeps): StageHandler {
  const { table, health, stats } = deps;
  const random = deps.random ?? Math.random;
  const now = deps.now ?? Date.now;
  /** Picks so far per alias: round-robin's turn. */
  const turns = new Map<string, number>();

  return (req) => {
    const h = req.headers;
    const model = getHeader(h, Headers.model);
    if (model === undefined) {
      throw new GatewayError('invalid_request', 'You must provide a model parameter.', { param: 'model' });
    }
    const request = readRequest(h, model);
    const at = now();
    const plan = planRoute(request, {
      table,
      now: at,
      random,
      providerAlive: deps.providerAlive,
      availability: (d) => health.availability(d, at),
      coolingUntil: (d) => health.coolingUntil(d, at),
      pick: (match, candidates) => {
        const turn = turns.get(match.alias) ?? 0;
        turns.set(match.alias, turn + 1);
        return STRATEGIES[match.strategy](candidates, {
          random,
          turn,
          stream: getHeader(h, Headers.stream) === 'true',
          inFlight: stats.inFlight,
          latency: stats.latency,
          price: deps.priceOf,
        });
      },
    });

    if (plan.kind === 'answer') {
      // The failed attempts were accounted by their own events: the answer names no deployment.
      for (const name of [Headers.provider, Headers.deployment, Headers.upstreamModel]) h.delete(name);
      throw plan.error;
    }
    const { candidate } = plan;
    h.set(Headers.provider, candidate.provider);
    h.set(Headers.deployment, candidate.deployment);
    h.set(Headers.upstreamModel, candidate.upstreamModel);
    h.set(Headers.routeAlias, plan.alias);
    if (plan.root !== undefined) h.set(Headers.routeRoot, plan.root);
    h.set(Headers.attempt, String(request.attempt));
    h.set(Headers.maxAttempts, String(deps.router.max_attempts));

    const started: AttemptStarted = {
      request_id: getHeader(h, Headers.requestId) ?? 'unknown',
      model: plan.alias,
      provider: candidate.provider,
      deployment: candidate.deployment,
      attempt: request.attempt,
      at: at + plan.waitMs,
    };
    if (request.deadline !== undefined) started.deadline = request.deadline;
    // Counted here at once, so the next pick sees it; the echo of the event is ignored.
    stats.started({
      requestId: started.request_id,
      attempt: started.attempt,
      deployment: started.deployment,
      at: started.at,
      expiresAt: request.deadline ?? at + ATTEMPT_TTL_MS,
    });
    health.sent(candidate.deployment, at);
    deps.publishStarted(started);

    const outcome: StageOutcome = {
      forward: Subjects.provider(candidate.provider),
      stage: StageNames.provider(candidate.provider),
    };
    if (plan.waitMs === 0) return outcome;
    return sleep(plan.waitMs, undefined, { signal: deps.stopping }).then(
      () => outcome,
      () => outcome,
    );
  };
}

function readRequest(h: MsgHdrs, model: string): RouteRequest {
  const lastErrorCode = getHeader(h, Headers.lastErrorCode);
  const deadline = Number(getHeader(h, Headers.deadline));
  const request: RouteRequest = {
    model,
    root: getHeader(h, Headers.routeRoot),
    failedAlias: undefined,
    failedDeployment: undefined,
    excluded: new Set(getHeader(h, Headers.excludedDeployments)?.split(',') ?? []),
    lastError: undefined,
    // A retry sent back here by a worker arrives with its attempt counted already.
    attempt: Number(getHeader(h, Headers.attempt)) || 1,
    deadline: deadline > 0 ? deadline : undefined,
  };
  if (lastErrorCode !== undefined) {
    const retryAfterMs = Number(getHeader(h, Headers.retryAfterMs));
    request.failedAlias = getHeader(h, Headers.routeAlias);
    request.failedDeployment = getHeader(h, Headers.deployment);
    request.lastError = fromOpenAIErrorBody(
      lastErrorCode,
      parseBody(getHeader(h, Headers.lastErrorBody)),
      getHeader(h, Headers.retryAfterMs) !== undefined && retryAfterMs >= 0 ? retryAfterMs : undefined,
    );
  }
  return request;
}

function parseBody(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
