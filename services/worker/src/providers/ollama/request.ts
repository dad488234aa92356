import type { ProviderConfig } from '@switchyard/config';
import type { HttpRequestSpec, ProviderCall } from '../types.js';
import { isRecord } from '../is-record.js';
import {
  checkUnsupportedParams,
  refuseUnlessDropped,
  type ParamPolicy,
  type UnsupportedParam,
} from '../unsupported-params.js';
import { toOllamaMessages } from './messages.js';

export type OllamaConfig = Extract<ProviderConfig, { type: 'ollama' }>;

export interface OllamaTarget {
  origin: string;
  /** `/api/chat` under the base URL's path. */
  chatPath: string;
  /** `/api/embed` under the base URL's path. */
  embedPath: string;
  headers: Readonly<Record<string, string>>;
}

export function toOllamaTarget(config: OllamaConfig): OllamaTarget {
  const url = new URL(config.base_url);
  const headers: Record<string, string> = { ...config.headers, 'content-type': 'application/json' };
  // Ollama itself has no auth; a proxy in front of it, or Ollama's cloud, takes a bearer key.
  if (config.api_key) headers['authorization'] = `Bearer ${config.api_key}`;
  const base = url.pathname.replace(/\/+$/, '');
  return { origin: url.origin, chatPath: `${base}/api/chat`, embedPath: `${base}/api/embed`, headers };
}

/** OpenAI parameters Ollama's chat API has no way to honour. */
const UNSUPPORTED: readonly UnsupportedParam[] = [
  { param: 'n', refuses: (v) => v !== 1, why: 'Ollama returns one choice per request' },
  { param: 'logprobs', refuses: (v) => v === true, why: 'Ollama returns no log probabilities here' },
  { param: 'top_logprobs', why: 'Ollama returns no log probabilities here' },
  { param: 'logit_bias', why: 'Ollama has no token biasing' },
  {
    param: 'parallel_tool_calls',
    refuses: (v) => v === false,
    why: 'Ollama cannot limit an answer to one tool call',
  },
  { param: 'audio', why: 'Ollama answers in text only' },
  { param: 'prediction', why: 'Ollama has no predicted outputs' },
];

/** Ollama's sampling options from OpenAI's parameters: explicit values only, never clamped. */
const OPTIONS: readonly (readonly [openai: string, ollama: string])[] = [
  ['temperature', 'temperature'],
  ['top_p', 'top_p'],
  ['seed', 'seed'],
  ['presence_penalty', 'presence_penalty'],
  ['frequency_penalty', 'frequency_penalty'],
  ['max_tokens', 'num_predict'],
  ['max_completion_tokens', 'num_predict'], // the newer name wins: it comes later
];

/** OpenAI's `reasoning_effort` as Ollama's `think` (levels are honoured by models that have them). */
const THINK: Readonly<Record<string, boolean | string>> = {
  none: false,
  low: 'low',
  medium: 'medium',
  high: 'high',
};

/** The `/api/chat` body for an OpenAI request. */
export function toOllamaBody(call: ProviderCall, policy: ParamPolicy): Record<string, unknown> {
  const b = call.body;
  checkUnsupportedParams(policy, b, UNSUPPORTED);
  const body: Record<string, unknown> = {
    model: call.upstreamModel,
    messages: toOllamaMessages(b['messages'], policy),
    stream: call.stream, // Ollama streams unless told not to
  };

  const choice = b['tool_choice'];
  if (Array.isArray(b['tools']) && b['tools'].length > 0 && choice !== 'none') {
    if (choice !== undefined && choice !== 'auto') {
      refuseUnlessDropped(policy, 'tool_choice', 'Ollama cannot force a tool call');
    }
    body['tools'] = b['tools'];
  }

  const format = b['response_format'];
  if (isRecord(format) && format['type'] === 'json_object') body['format'] = 'json';
  if (isRecord(format) && format['type'] === 'json_schema') {
    const schema = isRecord(format['json_schema']) ? format['json_schema']['schema'] : undefined;
    body['format'] = isRecord(schema) ? schema : 'json';
  }

  // Ollama-specific options the caller sent (num_ctx, top_k, …) first; OpenAI's names win.
  const options: Record<string, unknown> = isRecord(b['options']) ? { ...b['options'] } : {};
  for (const [from, to] of OPTIONS) if (b[from] !== undefined && b[from] !== null) options[to] = b[from];
  const stop = b['stop'];
  if (typeof stop === 'string') options['stop'] = [stop];
  else if (Array.isArray(stop)) options['stop'] = stop;
  if (Object.keys(options).length > 0) body['options'] = options;

  if (b['keep_alive'] !== undefined) body['keep_alive'] = b['keep_alive'];
  if (b['think'] !== undefined) body['think'] = b['think'];
  else if (typeof b['reasoning_effort'] === 'string') {
    const think = THINK[b['reasoning_effort']];
    if (think !== undefined) body['think'] = think;
    else refuseUnlessDropped(policy, 'reasoning_effort', 'Ollama thinks at none, low, medium or high effort');
  }
  return body;
}

export const toOllamaRequest = (
  target: OllamaTarget,
  policy: ParamPolicy,
  call: ProviderCall,
): HttpRequestSpec => ({
  path: target.chatPath,
  headers: target.headers,
  body: JSON.stringify(toOllamaBody(call, policy)),
});
