import { setTimeout as sleep } from 'node:timers/promises';
import { bodyBytesOf, getHeader, type MsgHdrs, type StageHandler, type StageOutcome } from '@switchyard/bus';
import type { RouterConfig } from '@switchyard/config';
import {
  CallerHeaders,
  GatewayError,
  Headers,
  StageNames,
  Subjects,
  answerHeader,
  fromOpenAIErrorBody,
  type AttemptStarted,
} from '@switchyard/contracts';
import { chooseModel, type ModelChoice, type ModelChoiceInput } from '../domain/choose-model.js';
import { ATTEMPT_TTL_MS, type DeploymentStats } from '../domain/deployment-stats.js';
import type { Health } from '../domain/health.js';
import { planRoute, type RouteRequest } from '../domain/plan-route.js';
import { estimateTokens } from '../domain/route-rules.js';
import type { Routes } from '../domain/route-set.js';
import { STRATEGIES, type Candidate } from '../domain/strategies/index.js';

/** Response headers telling the caller where its request went. */
const ROUTE_HEADER = answerHeader('x-switchyard-route');
const DEPLOYMENT_HEADER = answerHeader('x-switchyard-deployment');

export interface RouteModelDeps {
  /** The routes in effect, read once per message: a change at run time applies from the next one. */
  routes(): Routes;
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
  const { health, stats } = deps;
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
    const routes = deps.routes();
    const request = readRequest(h, chooseModel(readChoice(h, model, bodyBytesOf(req)), routes));
    const at = now();
    const plan = planRoute(request, {
      table: routes.table,
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
      for (const name of [
        Headers.provider,
        Headers.deployment,
        Headers.upstreamModel,
        Headers.deploymentMaxConcurrency,
        ROUTE_HEADER,
        DEPLOYMENT_HEADER,
      ])
        h.delete(name);
      throw plan.error;
    }
    const { candidate } = plan;
    const alias = routes.models[plan.alias];
    if (alias?.timeout_ms !== undefined) {
      const receivedAt = Number(getHeader(h, Headers.receivedAt)) || at;
      const deadline = receivedAt + alias.timeout_ms;
      if (request.deadline === undefined || deadline < request.deadline) {
        request.deadline = deadline;
        h.set(Headers.deadline, String(deadline));
      }
    }
    h.set(Headers.streamIdleMs, String(alias?.stream_idle_timeout_ms ?? deps.router.stream_idle_timeout_ms));
    h.set(ROUTE_HEADER, plan.alias);
    h.set(DEPLOYMENT_HEADER, candidate.deployment);
    h.set(Headers.provider, candidate.provider);
    h.set(Headers.deployment, candidate.deployment);
    h.set(Headers.upstreamModel, candidate.upstreamModel);
    // A retry reuses these headers: an unlimited deployment must not inherit the last one's limit.
    if (candidate.maxConcurrency === undefined) h.delete(Headers.deploymentMaxConcurrency);
    else h.set(Headers.deploymentMaxConcurrency, String(candidate.maxConcurrency));
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

/** What rules and the caller's overrides look at, from headers and the body's size alone. */
function readChoice(h: MsgHdrs, model: string, bodyBytes: number): ModelChoiceInput {
  const counted = Number(getHeader(h, Headers.promptTokens));
  return {
    model,
    tags: new Set(
      getHeader(h, CallerHeaders.tags)
        ?.split(',')
        .map((t) => t.trim()) ?? [],
    ),
    team: getHeader(h, Headers.team),
    promptTokens: counted > 0 ? counted : estimateTokens(bodyBytes),
    route: getHeader(h, CallerHeaders.route),
    fallbacks: getHeader(h, CallerHeaders.fallbacks),
    allowedModels: getHeader(h, Headers.allowedModels),
  };
}

function readRequest(h: MsgHdrs, { model, fallbacks }: ModelChoice): RouteRequest {
  const lastErrorCode = getHeader(h, Headers.lastErrorCode);
  const deadline = Number(getHeader(h, Headers.deadline));
  const request: RouteRequest = {
    model,
    fallbacks,
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
