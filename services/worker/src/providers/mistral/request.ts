import type { ProviderConfig } from '@switchyard/config';
import type { HttpRequestSpec, ProviderCall } from '../types.js';
import { checkUnsupportedParams, type ParamPolicy, type UnsupportedParam } from '../unsupported-params.js';
import { toMistralMessages } from './messages.js';

export type MistralConfig = Extract<ProviderConfig, { type: 'mistral' }>;

export interface MistralTarget {
  origin: string;
  chatPath: string;
  embeddingsPath: string;
  headers: Readonly<Record<string, string>>;
}

export function toMistralTarget(config: MistralConfig): MistralTarget {
  const url = new URL(config.base_url);
  const headers: Record<string, string> = { ...config.headers, 'content-type': 'application/json' };
  if (config.api_key) headers['authorization'] = `Bearer ${config.api_key}`;
  // `https://api.mistral.ai` or `…/v1`: both mean the same API.
  const base = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  return {
    origin: url.origin,
    chatPath: `${base}/v1/chat/completions`,
    embeddingsPath: `${base}/v1/embeddings`,
    headers,
  };
}

/** OpenAI parameters Mistral has no way to honour. */
const UNSUPPORTED: readonly UnsupportedParam[] = [
  { param: 'logprobs', refuses: (v) => v === true, why: 'Mistral returns no log probabilities' },
  { param: 'top_logprobs', why: 'Mistral returns no log probabilities' },
  { param: 'logit_bias', why: 'Mistral has no token biasing' },
  { param: 'audio', why: 'Mistral answers in text only' },
  {
    param: 'modalities',
    refuses: (v) => !(Array.isArray(v) && v.every((m) => m === 'text')),
    why: 'Mistral answers in text only',
  },
  { param: 'web_search_options', why: 'Mistral’s chat API has no web search option' },
  { param: 'functions', why: 'use tools: Mistral has no legacy functions' },
  { param: 'function_call', why: 'use tool_choice: Mistral has no legacy functions' },
];

/**
 * OpenAI fields that are mapped, refused above, or have no effect on the answer (`user`,
 * `store`, `stream_options`: Mistral reports usage on streams unasked). Any other field passes
 * through for Mistral to judge: its own options (`safe_prompt`, `prompt_mode`, …) work, and an
 * unknown one gets Mistral's own 422 naming it rather than being dropped unseen.
 */
const HANDLED = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'seed',
  'max_tokens',
  'max_completion_tokens',
  'tool_choice',
  'user',
  'store',
  ...UNSUPPORTED.map((u) => u.param),
]);

/** The `/v1/chat/completions` body Mistral accepts for an OpenAI request. */
export function toMistralBody(call: ProviderCall, policy: ParamPolicy): Record<string, unknown> {
  const b = call.body;
  checkUnsupportedParams(policy, b, UNSUPPORTED);
  const body: Record<string, unknown> = {
    model: call.upstreamModel,
    messages: toMistralMessages(b['messages'], policy),
  };
  for (const [key, value] of Object.entries(b)) {
    if (!HANDLED.has(key) && value !== undefined && value !== null) body[key] = value;
  }
  if (call.stream) body['stream'] = true;
  const maxTokens = b['max_completion_tokens'] ?? b['max_tokens'];
  if (maxTokens !== undefined && maxTokens !== null) body['max_tokens'] = maxTokens;
  if (b['seed'] !== undefined && b['seed'] !== null) body['random_seed'] = b['seed'];
  const choice = b['tool_choice'];
  // OpenAI's `required` is Mistral's `any`; a named function keeps OpenAI's shape.
  if (choice !== undefined) body['tool_choice'] = choice === 'required' ? 'any' : choice;
  return body;
}

export const toMistralRequest = (
  target: MistralTarget,
  policy: ParamPolicy,
  call: ProviderCall,
): HttpRequestSpec => ({
  path: target.chatPath,
  headers: target.headers,
  body: JSON.stringify(toMistralBody(call, policy)),
});
