import { GatewayError } from '@switchyard/contracts';
import type { Availability } from './health.js';
import type { AliasMatch, RouteTable } from './resolve-route.js';
import type { Candidate } from './strategies/index.js';

/** What the router knows of one request from its headers. */
export interface RouteRequest {
  /** The model routed: the caller's (`sy-model`), or the alias a rule or the caller's override chose. */
  model: string;
  /** The caller's fallbacks for `model`, replacing the configured ones; undefined for those. */
  fallbacks: readonly string[] | undefined;
  /** The alias whose fallback chain is walked, when not the caller's (`sy-route-root`). */
  root: string | undefined;
  /** On a retry: the alias and deployment of the attempt that failed. */
  failedAlias: string | undefined;
  failedDeployment: string | undefined;
  /** Deployments that failed this request already. */
  excluded: ReadonlySet<string>;
  /** On a retry: the failure of the last attempt, answered when nothing is left to try. */
  lastError: GatewayError | undefined;
  /** The attempt about to be made, from 1. */
  attempt: number;
  /** Epoch ms; undefined when the request has none. */
  deadline: number | undefined;
}

/** The router's picture of the world, all in memory. */
export interface RouteEnv {
  table: RouteTable;
  now: number;
  random(): number;
  providerAlive(provider: string): boolean;
  availability(deployment: string): Availability;
  coolingUntil(deployment: string): number | undefined;
  /** The alias's strategy over its usable candidates (non-empty, in config order). */
  pick(match: AliasMatch, candidates: readonly Candidate[]): Candidate;
}

export type RoutePlan =
  | {
      kind: 'send';
      alias: string;
      candidate: Candidate;
      /** Set when a context-window fallback started a new chain. */
      root: string | undefined;
      /** Wait this long first: a retry of the deployment that just failed. */
      waitMs: number;
    }
  | { kind: 'answer'; error: GatewayError };

const CONTEXT_LENGTH = 'context_length_exceeded';
const BACKOFF_BASE_MS = 200;
const BACKOFF_MAX_MS = 5_000;

/**
 * Where the next attempt of a request goes. A prompt too long for the failed alias goes to its
 * `context_window_fallback`. Otherwise the chain of the alias and its fallbacks is walked in
 * order, and the first alias with a deployment not excluded, whose provider has workers and which
 * is not cooling down, has its strategy pick among those. When none is left, the deployment that
 * just failed retryably is tried again after its `Retry-After` (else a backoff with jitter), if
 * that ends before the deadline; else the last error is answered.
 */
export function planRoute(req: RouteRequest, env: RouteEnv): RoutePlan {
  let root = req.root ?? req.model;
  // The caller's fallbacks are for the model it asked for, not for a context-window fallback.
  let fallbacks = req.root === undefined ? req.fallbacks : undefined;
  let newRoot: string | undefined;
  if (req.lastError?.openaiCode === CONTEXT_LENGTH) {
    const target = env.table.find(req.failedAlias ?? root)?.contextWindowFallback;
    if (target === undefined) return { kind: 'answer', error: req.lastError };
    root = newRoot = target;
    fallbacks = undefined;
  }

  const chain = env.table.chain(root, fallbacks);
  let coolingUntil: number | undefined;
  let cooling = false;
  let deadProvider: string | undefined;
  for (const match of chain) {
    const usable: Candidate[] = [];
    for (const c of match.candidates) {
      if (req.excluded.has(c.deployment)) continue;
      if (!env.providerAlive(c.provider)) {
        deadProvider ??= c.provider;
        continue;
      }
      const availability = env.availability(c.deployment);
      if (availability === 'healthy' || availability === 'probe') {
        usable.push(c);
        continue;
      }
      cooling = true;
      const until = env.coolingUntil(c.deployment);
      if (until !== undefined) coolingUntil = Math.min(coolingUntil ?? until, until);
    }
    if (usable.length > 0) {
      return {
        kind: 'send',
        alias: match.alias,
        candidate: env.pick(match, usable),
        root: newRoot,
        waitMs: 0,
      };
    }
  }

  const again = retrySame(req, env, chain);
  if (again !== undefined) return again;
  if (req.lastError !== undefined) return { kind: 'answer', error: req.lastError };
  if (cooling) {
    return {
      kind: 'answer',
      error: new GatewayError(
        'unavailable',
        `Every deployment of the model '${root}' is cooling down after repeated failures.`,
        coolingUntil === undefined ? {} : { retryAfterMs: Math.max(0, coolingUntil - env.now) },
      ),
    };
  }
  const message =
    deadProvider === undefined
      ? `No deployment of the model '${root}' is left to try.`
      : `No provider.${deadProvider} service is running.`;
  return { kind: 'answer', error: new GatewayError('unavailable', message) };
}

/** The deployment that just failed, once its `Retry-After` (or a backoff) has passed, within the deadline. */
function retrySame(req: RouteRequest, env: RouteEnv, chain: readonly AliasMatch[]): RoutePlan | undefined {
  const err = req.lastError;
  if (err === undefined || !err.retryable || req.failedDeployment === undefined) return undefined;
  for (const match of chain) {
    const candidate = match.candidates.find((c) => c.deployment === req.failedDeployment);
    if (candidate === undefined || !env.providerAlive(candidate.provider)) continue;
    const availability = env.availability(candidate.deployment);
    if (availability !== 'healthy' && availability !== 'probe') return undefined;
    const waitMs = err.retryAfterMs ?? backoffMs(req.attempt, env.random);
    if (req.deadline !== undefined && env.now + waitMs >= req.deadline) return undefined;
    return { kind: 'send', alias: match.alias, candidate, root: undefined, waitMs };
  }
  return undefined;
}

/** Exponential in the attempt (2 → ~200 ms, 3 → ~400 ms, …), with jitter down to half. */
export function backoffMs(attempt: number, random: () => number): number {
  const full = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 2));
  return Math.round(full * (0.5 + random() / 2));
}
