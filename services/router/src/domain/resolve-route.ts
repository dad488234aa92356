import { deploymentIdOf, type ModelConfig, type RoutingStrategy } from '@switchyard/config';
import { GatewayError } from '@switchyard/contracts';
import type { Candidate } from './strategies/index.js';

/** A model name matched to its alias: the deployments it may go to, in config order. */
export interface AliasMatch {
  /** The alias as configured (`gpt-4o`, `openai/*`). */
  alias: string;
  strategy: RoutingStrategy;
  candidates: readonly Candidate[];
  /** Model names tried, in order, when every deployment of this one failed retryably. */
  fallbacks: readonly string[];
  contextWindowFallback: string | undefined;
}

export interface RouteTable {
  /** The alias serving a model name, or undefined. */
  find(model: string): AliasMatch | undefined;
  /** Like `find`, but a name no alias serves is a 404 in OpenAI's words. */
  resolve(model: string): AliasMatch;
  /**
   * The aliases a request for `model` may use, in order: its own, then its fallbacks (`fallbacks`
   * when given, the caller's, instead of the configured ones), each followed depth-first by its
   * own fallbacks, every alias once.
   */
  chain(model: string, fallbacks?: readonly string[]): AliasMatch[];
}

interface Wildcard {
  /** `openai/` for the alias `openai/*`. */
  prefix: string;
  alias: string;
  config: ModelConfig;
}

const WILDCARD_SUFFIX = '*';

/**
 * Builds the alias lookup once: an exact alias first, else the longest `prefix/*` alias whose
 * prefix the name starts with, passing the rest of the name upstream.
 */
export function createRouteTable(models: Readonly<Record<string, ModelConfig>>): RouteTable {
  const exact = new Map<string, AliasMatch>();
  const wildcards: Wildcard[] = [];
  for (const [alias, config] of Object.entries(models)) {
    if (alias.endsWith(`/${WILDCARD_SUFFIX}`)) wildcards.push({ prefix: alias.slice(0, -1), alias, config });
    else exact.set(alias, toMatch(alias, config, undefined));
  }
  // Longest prefix first, so `openai/ft/*` wins over `openai/*`.
  wildcards.sort((a, b) => b.prefix.length - a.prefix.length);

  const find = (model: string): AliasMatch | undefined => {
    const found = exact.get(model);
    if (found !== undefined) return found;
    const w = wildcards.find((w) => model.length > w.prefix.length && model.startsWith(w.prefix));
    return w === undefined ? undefined : toMatch(w.alias, w.config, model.slice(w.prefix.length));
  };

  const resolve = (model: string): AliasMatch => {
    const found = find(model);
    if (found !== undefined) return found;
    throw new GatewayError(
      'model_not_found',
      `The model '${model}' does not exist or you do not have access to it.`,
      { param: 'model' },
    );
  };

  return {
    find,
    resolve,
    chain(model, fallbacks) {
      const seen = new Set<string>();
      const out: AliasMatch[] = [];
      const walk = (match: AliasMatch | undefined): void => {
        if (match === undefined || seen.has(match.alias)) return;
        seen.add(match.alias);
        out.push(match);
        for (const name of match.fallbacks) walk(find(name));
      };
      const root = resolve(model);
      walk(fallbacks === undefined ? root : { ...root, fallbacks });
      return out;
    },
  };
}

function toMatch(alias: string, config: ModelConfig, rest: string | undefined): AliasMatch {
  return {
    alias,
    strategy: config.strategy ?? 'priority',
    candidates: config.deployments.map((d) => {
      // The config schema requires `model` on exact aliases, so one of the two is always set.
      const upstreamModel = d.model ?? rest!;
      return {
        deployment: deploymentIdOf(d, upstreamModel),
        provider: d.provider,
        upstreamModel,
        maxConcurrency: d.max_concurrency,
        weight: d.weight ?? 1,
        priority: d.priority ?? 0,
      };
    }),
    fallbacks: config.fallbacks ?? [],
    contextWindowFallback: config.context_window_fallback,
  };
}
