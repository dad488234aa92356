import { GatewayError } from '@switchyard/contracts';
import { isRecord } from '../is-record.js';

/** What to do with a parameter Gemini cannot honour: refuse the request, or drop the parameter. */
export interface ParamPolicy {
  providerId: string;
  /** The provider's `drop_params`. */
  dropParams: boolean;
}

/**
 * A parameter (or one value of it) Gemini cannot honour: a 400 naming it, or with `drop_params`
 * nothing, and the caller of this leaves it out. Never clamped to something close.
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

interface Unsupported {
  param: string;
  /** Whether this non-null value asks for something Gemini cannot do; `false`-like values do not. */
  refuses: (value: unknown) => boolean;
  why: string;
}

/** OpenAI parameters with no Gemini equivalent, and the values of them that would matter. */
const UNSUPPORTED: readonly Unsupported[] = [
  {
    param: 'logprobs',
    refuses: (v) => v === true,
    why: 'this gateway does not translate Gemini log probabilities',
  },
  {
    param: 'top_logprobs',
    refuses: (v) => v !== 0,
    why: 'this gateway does not translate Gemini log probabilities',
  },
  {
    param: 'logit_bias',
    refuses: (v) => isRecord(v) && Object.keys(v).length > 0,
    why: 'Gemini has no token biasing',
  },
  {
    param: 'parallel_tool_calls',
    refuses: (v) => v === false,
    why: 'Gemini may call several functions in one turn and has no switch to prevent it',
  },
  { param: 'audio', refuses: () => true, why: 'Gemini chat answers are text' },
  {
    param: 'modalities',
    refuses: (v) => Array.isArray(v) && v.some((m) => m !== 'text'),
    why: 'Gemini chat answers are text',
  },
  { param: 'prediction', refuses: () => true, why: 'Gemini has no predicted outputs' },
  {
    param: 'web_search_options',
    refuses: () => true,
    why: 'web search is a Gemini tool this gateway does not configure',
  },
  { param: 'functions', refuses: () => true, why: 'use `tools` instead of the deprecated `functions`' },
  {
    param: 'function_call',
    refuses: () => true,
    why: 'use `tool_choice` instead of the deprecated `function_call`',
  },
];

/** Throws for the first parameter set to a value Gemini cannot honour, unless `drop_params`. */
export function checkUnsupportedParams(policy: ParamPolicy, body: Record<string, unknown>): void {
  for (const { param, refuses, why } of UNSUPPORTED) {
    const value = body[param];
    if (value !== undefined && value !== null && refuses(value)) refuseUnlessDropped(policy, param, why);
  }
}
