import { CallerHeaders, GatewayError, compileGlobs } from '@switchyard/contracts';
import type { MatchRule, RuleInput } from './route-rules.js';
import type { RouteTable } from './resolve-route.js';

export interface ModelChoiceInput extends RuleInput {
  /** `x-switchyard-route`: the model the caller wants instead. */
  route: string | undefined;
  /** `x-switchyard-fallbacks`, comma-separated. */
  fallbacks: string | undefined;
  /** `sy-allowed-models`: the key's model globs, comma-separated; none allows no override. */
  allowedModels: string | undefined;
}

export interface ModelChoice {
  /** The model the request is routed as. */
  model: string;
  /** The caller's fallbacks, replacing the configured ones; undefined for those. */
  fallbacks: readonly string[] | undefined;
}

/**
 * The model a request is routed as: the caller's `x-switchyard-route` when it sent one, else the
 * first routing rule that matches, else the model it asked for. Whatever a caller names itself
 * (a route, fallbacks) must be served here and allowed to its key; a rule is the operator's word.
 */
export function chooseModel(
  input: ModelChoiceInput,
  routes: { table: RouteTable; matchRule: MatchRule },
): ModelChoice {
  const named = [input.route, input.fallbacks].some((v) => v !== undefined);
  const allowed = named ? compileGlobs(input.allowedModels?.split(',') ?? []) : undefined;
  const check = (name: string, header: string): string => {
    if (routes.table.find(name) === undefined) {
      throw new GatewayError(
        'invalid_request',
        `The model '${name}' named in ${header} is not served here.`,
        {
          param: header,
        },
      );
    }
    if (!allowed!(name)) {
      throw new GatewayError(
        'forbidden',
        `This key is not allowed to use the model '${name}' named in ${header}.`,
        {
          param: header,
        },
      );
    }
    return name;
  };
  const fallbacks = input.fallbacks
    ?.split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '')
    .map((name) => check(name, CallerHeaders.fallbacks));
  const model =
    input.route === undefined
      ? (routes.matchRule(input) ?? input.model)
      : check(input.route.trim(), CallerHeaders.route);
  return { model, fallbacks };
}
