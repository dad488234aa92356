import { checkRoutes, type ModelConfig, type RouteIssue, type RouteRule } from '@switchyard/config';
import { createModelCatalog, type ModelCatalog } from './model-catalog.js';
import { compileRules, type MatchRule } from './route-rules.js';
import { createRouteTable, type RouteTable } from './resolve-route.js';

/** The routes in effect, compiled for the request path. */
export interface Routes {
  models: Readonly<Record<string, ModelConfig>>;
  rules: readonly RouteRule[];
  table: RouteTable;
  matchRule: MatchRule;
  catalog: ModelCatalog;
}

/** A change made at run time: an alias set (or reverted to the YAML when `model` is undefined), or the rules. */
export type RouteChange =
  | { kind: 'model'; alias: string; model: ModelConfig | undefined }
  | { kind: 'rules'; rules: readonly RouteRule[] | undefined };

export interface RouteSet {
  /** The last valid routes: what requests use. */
  current(): Routes;
  /** What would be wrong with the routes after `change`; empty when it may be accepted. */
  check(change: RouteChange): RouteIssue[];
  /**
   * Records a change. The routes in effect follow when the result is valid; otherwise they stay
   * as they were, and the issues are returned (a change that raced another one past its check).
   */
  apply(change: RouteChange): RouteIssue[];
  /** Aliases whose route comes from a change at run time, and whether the rules do. */
  changed(): { aliases: string[]; rules: boolean };
}

export interface RouteBase {
  providers: Readonly<Record<string, unknown>>;
  /** The YAML's `models` and `router.rules`: the routes before any change. */
  models: Readonly<Record<string, ModelConfig>>;
  rules: readonly RouteRule[];
  /** Every model's `created` in the model list, in seconds. */
  createdSec: number;
}

/**
 * The YAML's routes with the changes made at run time laid over them: an alias changed replaces
 * (or adds) the YAML's, an alias reverted shows the YAML's again. Every change is checked like
 * the YAML is at load, so the routes in effect are always ones the YAML could have held.
 */
export function createRouteSet(base: RouteBase): RouteSet {
  const models = new Map<string, ModelConfig>();
  let rules: readonly RouteRule[] | undefined;

  const effective = (change?: RouteChange) => {
    const m = new Map(models);
    let r = rules;
    if (change?.kind === 'model') {
      if (change.model === undefined) m.delete(change.alias);
      else m.set(change.alias, change.model);
    } else if (change?.kind === 'rules') r = change.rules;
    return { models: { ...base.models, ...Object.fromEntries(m) }, rules: r ?? base.rules };
  };
  const compile = ({ models, rules }: ReturnType<typeof effective>): Routes => ({
    models,
    rules,
    table: createRouteTable(models),
    matchRule: compileRules(rules),
    catalog: createModelCatalog(models, base.createdSec),
  });
  const issuesOf = (routes: ReturnType<typeof effective>) =>
    checkRoutes(base.providers, routes.models, routes.rules);

  let current = compile(effective());
  return {
    current: () => current,
    check: (change) => issuesOf(effective(change)),
    apply(change) {
      if (change.kind === 'model') {
        if (change.model === undefined) models.delete(change.alias);
        else models.set(change.alias, change.model);
      } else rules = change.rules;
      const next = effective();
      const issues = issuesOf(next);
      if (issues.length === 0) current = compile(next);
      return issues;
    },
    changed: () => ({ aliases: [...models.keys()], rules: rules !== undefined }),
  };
}
