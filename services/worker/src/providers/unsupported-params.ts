import { GatewayError } from '@switchyard/contracts';

/** What a provider does with a request parameter it cannot honour: refuse the request, or drop it. */
export interface ParamPolicy {
  providerId: string;
  /** The provider's `drop_params`: leave the parameter out instead of refusing the request. */
  dropParams: boolean;
}

/**
 * A parameter (or part of one, such as an image URL) the provider cannot honour: a 400 naming it,
 * or, with `drop_params`, nothing, and the caller leaves it out. Never a silent clamp.
 */
export function refuseUnlessDropped(policy: ParamPolicy, param: string, why: string): void {
  if (policy.dropParams) return;
  throw new GatewayError(
    'invalid_request',
    `Provider ${policy.providerId} cannot honour '${param}': ${why}. Remove it from the request ` +
      '(or an operator may set drop_params on the provider to drop it).',
    { param, provider: policy.providerId },
  );
}

/** One top-level request parameter a provider cannot honour, and which of its values. */
export interface UnsupportedParam {
  param: string;
  /** True when this (non-null) value cannot be honoured; absent means any value. */
  refuses?: (value: unknown) => boolean;
  why: string;
}

/**
 * Checks the body's top-level parameters against a provider's table: throws for the first one
 * set to a value the provider cannot honour, or with `drop_params` returns the names to leave out.
 */
export function checkUnsupportedParams(
  policy: ParamPolicy,
  body: Record<string, unknown>,
  table: readonly UnsupportedParam[],
): ReadonlySet<string> {
  const dropped = new Set<string>();
  for (const { param, refuses, why } of table) {
    const value = body[param];
    if (value === undefined || value === null) continue;
    if (refuses && !refuses(value)) continue;
    refuseUnlessDropped(policy, param, why);
    dropped.add(param);
  }
  return dropped;
}
