import { isRecord } from '../is-record.js';
import {
  checkUnsupportedParams as checkParams,
  type ParamPolicy,
  type UnsupportedParam,
} from '../unsupported-params.js';

/** OpenAI parameters with no Gemini equivalent, and the values of them that would matter. */
const UNSUPPORTED: readonly UnsupportedParam[] = [
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
  checkParams(policy, body, UNSUPPORTED);
}
