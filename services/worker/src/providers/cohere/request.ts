import type { ProviderConfig } from '@switchyard/config';
import type { HttpRequestSpec, ProviderCall } from '../types.js';
import { isRecord } from '../is-record.js';
import {
  checkUnsupportedParams,
  refuseUnlessDropped,
  type ParamPolicy,
  type UnsupportedParam,
} from '../unsupported-params.js';
import { toCohereMessages } from './messages.js';

export type CohereConfig = Extract<ProviderConfig, { type: 'cohere' }>;

export interface CohereTarget {
  origin: string;
  chatPath: string;
  embedPath: string;
  headers: Readonly<Record<string, string>>;
}

export function toCohereTarget(config: CohereConfig): CohereTarget {
  const url = new URL(config.base_url);
  const headers: Record<string, string> = { ...config.headers, 'content-type': 'application/json' };
  if (config.api_key) headers['authorization'] = `Bearer ${config.api_key}`;
  const base = url.pathname.replace(/\/+$/, '');
  return { origin: url.origin, chatPath: `${base}/v2/chat`, embedPath: `${base}/v2/embed`, headers };
}

/** Cohere takes penalties from 0 to 1; OpenAI's go from -2 to 2. Outside, refused, never clamped. */
const outsideUnit = (v: unknown): boolean => typeof v !== 'number' || v < 0 || v > 1;

/** OpenAI parameters Cohere has no way to honour. */
const UNSUPPORTED: readonly UnsupportedParam[] = [
  { param: 'n', refuses: (v) => v !== 1, why: 'Cohere returns one choice per request' },
  {
    param: 'logprobs',
    refuses: (v) => v === true,
    why: 'Cohere’s log probabilities do not have OpenAI’s shape',
  },
  { param: 'top_logprobs', why: 'Cohere returns no top log probabilities' },
  { param: 'logit_bias', why: 'Cohere has no token biasing' },
  {
    param: 'parallel_tool_calls',
    refuses: (v) => v === false,
    why: 'Cohere cannot limit an answer to one tool call',
  },
  { param: 'audio', why: 'Cohere answers in text only' },
  { param: 'prediction', why: 'Cohere has no predicted outputs' },
  { param: 'reasoning_effort', why: 'Cohere sets thinking by `thinking` and a token budget, not by effort' },
  { param: 'frequency_penalty', refuses: outsideUnit, why: 'Cohere takes a frequency_penalty from 0 to 1' },
  { param: 'presence_penalty', refuses: outsideUnit, why: 'Cohere takes a presence_penalty from 0 to 1' },
  {
    param: 'top_p',
    refuses: (v) => typeof v !== 'number' || v < 0.01 || v > 0.99,
    why: 'Cohere takes top_p (its p) from 0.01 to 0.99',
  },
];

/** OpenAI's name → Cohere's, for values that only change name. */
const RENAMED: readonly (readonly [openai: string, cohere: string])[] = [
  ['temperature', 'temperature'],
  ['top_p', 'p'],
  ['seed', 'seed'],
  ['frequency_penalty', 'frequency_penalty'],
  ['presence_penalty', 'presence_penalty'],
  ['max_tokens', 'max_tokens'],
  ['max_completion_tokens', 'max_tokens'], // the newer name wins: it comes later
];

/** Cohere's own options, passed as they are when a caller sends them. */
const NATIVE = ['documents', 'citation_options', 'safety_mode', 'k', 'thinking', 'strict_tools', 'priority'];

/** The `/v2/chat` body for an OpenAI request. */
export function toCohereBody(call: ProviderCall, policy: ParamPolicy): Record<string, unknown> {
  const b = call.body;
  const dropped = checkUnsupportedParams(policy, b, UNSUPPORTED);
  const body: Record<string, unknown> = {
    model: call.upstreamModel,
    messages: toCohereMessages(b['messages'], policy),
  };
  if (call.stream) body['stream'] = true;
  for (const [from, to] of RENAMED) {
    if (b[from] !== undefined && b[from] !== null && !dropped.has(from)) body[to] = b[from];
  }
  const stop = b['stop'];
  if (typeof stop === 'string') body['stop_sequences'] = [stop];
  else if (Array.isArray(stop)) body['stop_sequences'] = stop;

  Object.assign(body, toTools(b, policy));
  const format = b['response_format'];
  if (isRecord(format) && format['type'] === 'json_object') body['response_format'] = { type: 'json_object' };
  if (isRecord(format) && format['type'] === 'json_schema') {
    const schema = isRecord(format['json_schema']) ? format['json_schema']['schema'] : undefined;
    body['response_format'] = isRecord(schema)
      ? { type: 'json_object', json_schema: schema }
      : { type: 'json_object' };
  }
  for (const key of NATIVE) if (b[key] !== undefined) body[key] = b[key];
  return body;
}

/**
 * Tools and the choice among them. Cohere can require some tool or none; a named function is
 * honoured exactly by offering only that tool, required.
 */
function toTools(b: Record<string, unknown>, policy: ParamPolicy): Record<string, unknown> {
  const tools = Array.isArray(b['tools']) ? b['tools'].filter(isRecord) : [];
  if (tools.length === 0) return {};
  const choice = b['tool_choice'];
  let offered = tools;
  const out: Record<string, unknown> = {};
  if (choice === 'required') out['tool_choice'] = 'REQUIRED';
  else if (choice === 'none') out['tool_choice'] = 'NONE';
  else if (isRecord(choice) && isRecord(choice['function'])) {
    const name = choice['function']['name'];
    offered = tools.filter((t) => isRecord(t['function']) && t['function']['name'] === name);
    if (offered.length === 0) {
      refuseUnlessDropped(policy, 'tool_choice', `it names '${String(name)}', which is not among the tools`);
      offered = tools;
    } else out['tool_choice'] = 'REQUIRED';
  }
  out['tools'] = offered.map((t) => {
    const fn = isRecord(t['function']) ? t['function'] : {};
    const f: Record<string, unknown> = {
      name: fn['name'],
      parameters: fn['parameters'] ?? { type: 'object', properties: {} },
    };
    if (fn['description'] !== undefined) f['description'] = fn['description'];
    return { type: 'function', function: f };
  });
  // OpenAI's per-function `strict` is Cohere's request-wide `strict_tools`.
  if (offered.some((t) => isRecord(t['function']) && t['function']['strict'] === true))
    out['strict_tools'] = true;
  return out;
}

export const toCohereRequest = (
  target: CohereTarget,
  policy: ParamPolicy,
  call: ProviderCall,
): HttpRequestSpec => ({
  path: target.chatPath,
  headers: target.headers,
  body: JSON.stringify(toCohereBody(call, policy)),
});
