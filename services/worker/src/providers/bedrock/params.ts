import { GatewayError } from '@switchyard/contracts';
import { isRecord } from '../is-record.js';

const isSet = (v: unknown): boolean => v !== undefined && v !== null;
const nonZero = (v: unknown): boolean => typeof v === 'number' && v !== 0;

/**
 * OpenAI parameters Converse has no way to honour, each with the values that would need it (a
 * penalty of 0 or `n: 1` asks for nothing and passes). Declarative, so adding one is one line.
 */
const UNSUPPORTED: readonly { param: string; needs: (value: unknown) => boolean; what: string }[] = [
  { param: 'n', needs: (v) => typeof v === 'number' && v > 1, what: 'more than one choice' },
  { param: 'seed', needs: isSet, what: 'seeded sampling' },
  { param: 'logprobs', needs: (v) => v === true, what: 'log probabilities' },
  { param: 'top_logprobs', needs: (v) => typeof v === 'number' && v > 0, what: 'log probabilities' },
  { param: 'presence_penalty', needs: nonZero, what: 'a presence penalty' },
  { param: 'frequency_penalty', needs: nonZero, what: 'a frequency penalty' },
  { param: 'logit_bias', needs: (v) => isRecord(v) && Object.keys(v).length > 0, what: 'logit bias' },
  {
    param: 'response_format',
    needs: (v) => isRecord(v) && v['type'] !== 'text',
    what: 'a JSON response format',
  },
  { param: 'parallel_tool_calls', needs: (v) => v === false, what: 'turning parallel tool calls off' },
  { param: 'store', needs: (v) => v === true, what: 'stored completions' },
  {
    param: 'service_tier',
    needs: (v) => isSet(v) && v !== 'auto' && v !== 'default',
    what: 'choosing a service tier',
  },
  {
    param: 'modalities',
    needs: (v) => Array.isArray(v) && v.some((m) => m !== 'text'),
    what: 'output other than text',
  },
];

/**
 * Fields the adapter translates, checks above, or may ignore because they change nothing about
 * the answer (who asks, and OpenAI's own caching hint). Any other field is a parameter Converse
 * cannot honour: refused like the listed ones, never silently ignored.
 */
const KNOWN = new Set([
  ...UNSUPPORTED.map((u) => u.param),
  'model',
  'messages',
  'stream',
  'stream_options',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'stop',
  'tools',
  'tool_choice',
  'metadata',
  'user',
  'safety_identifier',
  'prompt_cache_key',
]);

export const cannotHonour = (providerId: string, param: string, what?: string): GatewayError =>
  new GatewayError(
    'invalid_request',
    `Provider ${providerId} (Bedrock Converse) does not support ${what ? `${what} ('${param}')` : `'${param}'`}. ` +
      `Remove '${param}' from the request, or ask the operator to set drop_params on this provider to ignore it.`,
    { param, provider: providerId },
  );

/**
 * Refuses the first parameter Converse cannot honour with a 400 naming it, unless the provider
 * is configured with `drop_params`, in which case they are simply not sent (the Converse body is
 * built from the known fields only). Never clamped.
 */
export function checkUnsupportedParams(
  body: Readonly<Record<string, unknown>>,
  providerId: string,
  dropParams: boolean,
): void {
  if (dropParams) return;
  for (const { param, needs, what } of UNSUPPORTED) {
    if (needs(body[param])) throw cannotHonour(providerId, param, what);
  }
  for (const [param, value] of Object.entries(body)) {
    if (!KNOWN.has(param) && isSet(value)) throw cannotHonour(providerId, param);
  }
}
