import type { ModelConfig } from '@switchyard/config';
import { GatewayError } from '@switchyard/contracts';

/** Where one request goes: the provider, the deployment's id and the model name upstream. */
export interface Route {
  provider: string;
  deployment: string;
  upstreamModel: string;
}

export type ResolveRoute = (model: string) => Route;

interface Wildcard {
  /** `openai/` for the alias `openai/*`. */
  prefix: string;
  config: ModelConfig;
}

const WILDCARD_SUFFIX = '*';

/**
 * Builds the alias → route lookup once: an exact alias first, else the longest `prefix/*` alias
 * whose prefix the name starts with, passing the rest of the name upstream. The first deployment
 * is taken for now; choosing among several (weights, latency, cost) is the strategies' job.
 */
export function createResolveRoute(models: Readonly<Record<string, ModelConfig>>): ResolveRoute {
  const exact = new Map<string, ModelConfig>();
  const wildcards: Wildcard[] = [];
  for (const [alias, config] of Object.entries(models)) {
    if (alias.endsWith(`/${WILDCARD_SUFFIX}`)) wildcards.push({ prefix: alias.slice(0, -1), config });
    else exact.set(alias, config);
  }
  // Longest prefix first, so `openai/ft/*` wins over `openai/*`.
  wildcards.sort((a, b) => b.prefix.length - a.prefix.length);

  return (model) => {
    const found = exact.get(model);
    if (found !== undefined) return toRoute(found, undefined);
    for (const w of wildcards) {
      if (model.length > w.prefix.length && model.startsWith(w.prefix)) {
        return toRoute(w.config, model.slice(w.prefix.length));
      }
    }
    throw new GatewayError(
      'model_not_found',
      `The model '${model}' does not exist or you do not have access to it.`,
      {
        param: 'model',
      },
    );
  };
}

function toRoute(config: ModelConfig, rest: string | undefined): Route {
  const d = config.deployments[0]!;
  // The config schema requires `model` on exact aliases, so one of the two is always set.
  const upstreamModel = d.model ?? rest!;
  return { provider: d.provider, deployment: d.id ?? `${d.provider}/${upstreamModel}`, upstreamModel };
}
