import { GatewayError } from '@switchyard/contracts';
import { isRecord } from '../is-record.js';

/** OpenAI fields this adapter translates (see `request.ts`); `top_k` is Anthropic's own, passed on. */
const TRANSLATED = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'temperature',
  'top_p',
  'top_k',
  'max_tokens',
  'max_completion_tokens',
  'stop',
  'user',
  'safety_identifier',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
]);

/** Values that ask for nothing beyond what Anthropic does anyway: accepted, and sent nowhere. */
const NO_OP: Readonly<Record<string, (value: unknown) => boolean>> = {
  n: (v) => v === 1,
  logprobs: (v) => v === false,
  presence_penalty: (v) => v === 0,
  frequency_penalty: (v) => v === 0,
  logit_bias: (v) => isRecord(v) && Object.keys(v).length === 0,
  response_format: (v) => isRecord(v) && v['type'] === 'text',
  modalities: (v) => Array.isArray(v) && v.every((m) => m === 'text'),
  store: (v) => v === false,
};

/** Why Anthropic cannot honour a field, for the 400 that names it. */
const WHY: Readonly<Record<string, string>> = {
  n: 'it returns one choice per request',
  seed: 'it has no seed for sampling',
  logprobs: 'it does not return log probabilities',
  top_logprobs: 'it does not return log probabilities',
  presence_penalty: 'it has no presence penalty',
  frequency_penalty: 'it has no frequency penalty',
  logit_bias: 'it has no logit bias',
  response_format: 'it has no JSON mode here; describe the format in the prompt or ask for a tool call',
  functions: 'it takes `tools`, not the deprecated `functions`',
  function_call: 'it takes `tool_choice`, not the deprecated `function_call`',
};

export interface ParamCheck {
  providerId: string;
  dropParams: boolean;
}

/**
 * The fields of the caller's body that Anthropic cannot honour: refused with a 400 naming the
 * first one, or, with `drop_params: true`, the set to leave out. Never silently clamped.
 */
export function unsupportedParams(body: Record<string, unknown>, check: ParamCheck): ReadonlySet<string> {
  const dropped = new Set<string>();
  for (const [key, value] of Object.entries(body)) {
    if (value === null || value === undefined || TRANSLATED.has(key) || NO_OP[key]?.(value)) continue;
    if (!check.dropParams) throw cannotHonour(check.providerId, key, WHY[key]);
    dropped.add(key);
  }
  const temperature = body['temperature'];
  // OpenAI's temperature goes to 2, Anthropic's to 1: a higher value cannot be honoured.
  if (typeof temperature === 'number' && temperature > 1) {
    if (!check.dropParams) {
      throw cannotHonour(
        check.providerId,
        'temperature',
        `it accepts a temperature from 0 to 1, not ${temperature}`,
      );
    }
    dropped.add('temperature');
  }
  return dropped;
}

function cannotHonour(providerId: string, param: string, why: string | undefined): GatewayError {
  return new GatewayError(
    'invalid_request',
    `Provider ${providerId} (Anthropic) cannot honour '${param}'${why ? `: ${why}` : ''}. ` +
      'Remove it, or set drop_params: true on the provider to drop such parameters.',
    { param, provider: providerId },
  );
}
