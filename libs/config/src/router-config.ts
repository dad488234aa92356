import { z } from 'zod';

export const CooldownConfig = z.strictObject({
  /** Failures of one deployment within `window_ms` that take it out of rotation. */
  failures: z.int().min(1).default(3),
  window_ms: z.int().min(1).default(60_000),
  /** How long it stays out; then one request probes it (half-open). */
  duration_ms: z.int().min(1).default(30_000),
});

/** What a request must have for a rule to apply; every condition given must hold. */
export const RouteRuleWhen = z
  .strictObject({
    /** A glob over the model the caller asked for (`gpt-4o*`). */
    model: z.string().min(1).optional(),
    /** Any of these among the caller's `x-switchyard-tags`. */
    tags_any: z.array(z.string().min(1)).min(1).optional(),
    /** The key's team is one of these. */
    team: z.array(z.string().min(1)).min(1).optional(),
    /** Prompt size, in tokens (estimated from the body size when policy stamped no count). */
    min_prompt_tokens: z.int().min(0).optional(),
    max_prompt_tokens: z.int().min(0).optional(),
  })
  .default({});

export const RouteRule = z.strictObject({
  when: RouteRuleWhen,
  /** The alias the request goes to instead of the model it asked for. */
  route_to: z.string().min(1),
});
export type RouteRule = z.infer<typeof RouteRule>;

export const RouterConfig = z.strictObject({
  /** Attempts per request across deployments and fallbacks, the first included. */
  max_attempts: z.int().min(1).default(3),
  cooldown: CooldownConfig.default(CooldownConfig.parse({})),
  /** Checked in order before alias resolution; the first that matches picks the alias. */
  rules: z.array(RouteRule).default([]),
  /** A stream whose upstream sends no chunk for this long ends with a 504; per alias: `stream_idle_timeout_ms`. */
  stream_idle_timeout_ms: z.int().min(1).default(120_000),
});
export type RouterConfig = z.infer<typeof RouterConfig>;

/** What the route checks need of an alias's config. */
export interface RouteShape {
  deployments: readonly {
    provider: string;
    model?: string | undefined;
    id?: string | undefined;
    max_concurrency?: number | undefined;
  }[];
  fallbacks?: readonly string[] | undefined;
  context_window_fallback?: string | undefined;
}

/** One thing wrong with a set of routes, where the YAML would have it. */
export interface RouteIssue {
  path: (string | number)[];
  message: string;
}

/**
 * The alias a model name resolves to: the name itself when it is an alias, else the longest
 * `prefix/*` alias it falls under; undefined when none.
 */
export function aliasOf(models: Readonly<Record<string, unknown>>, name: string): string | undefined {
  if (Object.hasOwn(models, name)) return name;
  let best: string | undefined;
  for (const alias of Object.keys(models)) {
    const prefix = alias.slice(0, -1);
    const longer = best === undefined || alias.length > best.length;
    if (alias.endsWith('/*') && name.length > prefix.length && name.startsWith(prefix) && longer)
      best = alias;
  }
  return best;
}

/**
 * What the YAML's `models` and `router.rules` must satisfy beyond their schema, checked at load and
 * again for every route changed at run time: deployments name known providers, fallbacks and rules
 * name served models, and fallbacks form no cycle.
 */
export function checkRoutes(
  providers: Readonly<Record<string, unknown>>,
  models: Readonly<Record<string, RouteShape>>,
  rules: readonly RouteRule[],
): RouteIssue[] {
  const issues: RouteIssue[] = [];
  for (const [alias, model] of Object.entries(models)) {
    model.deployments.forEach((d, i) => {
      const at = ['models', alias, 'deployments', i];
      if (!Object.hasOwn(providers, d.provider))
        issues.push({ path: [...at, 'provider'], message: `unknown provider "${d.provider}"` });
      if (d.max_concurrency !== undefined && d.model === undefined && d.id === undefined) {
        issues.push({
          path: [...at, 'max_concurrency'],
          message: 'give the deployment an id: a limit needs one name for every model the prefix matches',
        });
      }
      if (d.model === undefined && !alias.endsWith('/*'))
        issues.push({ path: [...at, 'model'], message: 'required unless the alias ends in /*' });
    });
  }
  checkFallbacks(models, issues);
  rules.forEach((rule, i) => {
    if (aliasOf(models, rule.route_to) === undefined)
      issues.push({ path: ['router', 'rules', i, 'route_to'], message: `unknown model "${rule.route_to}"` });
  });
  return issues;
}

/** Every fallback names a model some alias serves, and no alias falls back to itself, directly or not. */
function checkFallbacks(models: Readonly<Record<string, RouteShape>>, issues: RouteIssue[]): void {
  const edges = new Map<string, string[]>();
  for (const [alias, model] of Object.entries(models)) {
    const targets: string[] = [];
    const check = (name: string, path: (string | number)[]): void => {
      const target = aliasOf(models, name);
      if (target === undefined)
        issues.push({ path: ['models', alias, ...path], message: `unknown model "${name}"` });
      else targets.push(target);
    };
    model.fallbacks?.forEach((name, i) => check(name, ['fallbacks', i]));
    if (model.context_window_fallback !== undefined)
      check(model.context_window_fallback, ['context_window_fallback']);
    edges.set(alias, targets);
  }
  // Depth-first search for a cycle; each alias reports at most one.
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (alias: string, trail: string[]): void => {
    if (state.get(alias) === 'done') return;
    if (state.get(alias) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(alias)), alias];
      issues.push({
        path: ['models', cycle[0]!, 'fallbacks'],
        message: `fallbacks form a cycle: ${cycle.join(' → ')}`,
      });
      return;
    }
    state.set(alias, 'visiting');
    for (const next of edges.get(alias) ?? []) visit(next, [...trail, alias]);
    state.set(alias, 'done');
  };
  for (const alias of edges.keys()) visit(alias, []);
}
