import type { ProviderConfig } from '@switchyard/config';
import { GatewayError } from '@switchyard/contracts';
import type { HttpRequestSpec, ProviderCall } from '../types.js';
import { isRecord } from '../is-record.js';
import { toAnthropicConversation } from './messages.js';
import { unsupportedParams } from './params.js';

export type AnthropicConfig = Extract<ProviderConfig, { type: 'anthropic' }>;

/** Where and how to call Anthropic, computed once when the worker starts, not per request. */
export interface AnthropicTarget {
  providerId: string;
  /** `https://api.anthropic.com`: what the connection pool dials. */
  origin: string;
  /** `/v1/messages`, under any path prefix of the base URL (a proxy's). */
  messagesPath: string;
  headers: Readonly<Record<string, string>>;
  defaultMaxTokens: number;
  dropParams: boolean;
}

export function toAnthropicTarget(providerId: string, config: AnthropicConfig): AnthropicTarget {
  const url = new URL(config.base_url);
  const headers: Record<string, string> = {
    ...config.headers,
    'content-type': 'application/json',
    'anthropic-version': config.anthropic_version,
  };
  if (config.api_key) headers['x-api-key'] = config.api_key;
  return {
    providerId,
    origin: url.origin,
    messagesPath: `${url.pathname.replace(/\/+$/, '')}/v1/messages`,
    headers,
    defaultMaxTokens: config.default_max_tokens,
    dropParams: config.drop_params,
  };
}

/**
 * The Messages API body for one call. Every OpenAI field is translated, or refused naming it
 * (dropped with `drop_params`): see `params.ts`. Anthropic requires `max_tokens`, so the
 * provider's `default_max_tokens` stands in when the caller sets none. Streams always report usage.
 */
export function toAnthropicBody(target: AnthropicTarget, call: ProviderCall): Record<string, unknown> {
  const { body } = call;
  const dropped = unsupportedParams(body, { providerId: target.providerId, dropParams: target.dropParams });
  const given = (key: string): unknown => (dropped.has(key) ? undefined : (body[key] ?? undefined));
  const { system, messages } = toAnthropicConversation(body['messages']);

  const out: Record<string, unknown> = { model: call.upstreamModel };
  if (system !== undefined) out['system'] = system;
  out['messages'] = messages;
  out['max_tokens'] = given('max_completion_tokens') ?? given('max_tokens') ?? target.defaultMaxTokens;
  for (const key of ['temperature', 'top_p', 'top_k'] as const) {
    if (given(key) !== undefined) out[key] = given(key);
  }
  const stop = given('stop');
  if (stop !== undefined) out['stop_sequences'] = typeof stop === 'string' ? [stop] : stop;
  const user = given('user') ?? given('safety_identifier');
  if (typeof user === 'string' && user !== '') out['metadata'] = { user_id: user };

  const tools = given('tools');
  if (tools !== undefined) out['tools'] = toAnthropicTools(tools);
  // Without tools there is nothing to call in parallel: the flag alone would be refused upstream.
  const parallel = tools === undefined ? undefined : given('parallel_tool_calls');
  const choice = toAnthropicToolChoice(given('tool_choice'), parallel);
  if (choice !== undefined) out['tool_choice'] = choice;
  if (call.stream) out['stream'] = true;
  return out;
}

export const toAnthropicRequest = (target: AnthropicTarget, call: ProviderCall): HttpRequestSpec => ({
  path: target.messagesPath,
  headers: target.headers,
  body: JSON.stringify(toAnthropicBody(target, call)),
});

/** OpenAI function tools → `{name, description, input_schema}`; `strict` carries over when set. */
function toAnthropicTools(tools: unknown): Record<string, unknown>[] {
  if (!Array.isArray(tools)) throw invalid("Invalid value for 'tools'.", 'tools');
  return tools.map((tool: unknown, i) => {
    const fn =
      isRecord(tool) && tool['type'] === 'function' && isRecord(tool['function'])
        ? tool['function']
        : undefined;
    if (!fn) throw invalid(`Provider anthropic accepts only function tools in 'tools[${i}]'.`, `tools[${i}]`);
    const out: Record<string, unknown> = {
      name: fn['name'],
      input_schema: isRecord(fn['parameters']) ? fn['parameters'] : { type: 'object', properties: {} },
    };
    if (typeof fn['description'] === 'string') out['description'] = fn['description'];
    if (fn['strict'] === true) out['strict'] = true;
    return out;
  });
}

/**
 * none/auto/required/{function} → none/auto/any/tool. `parallel_tool_calls: false` becomes
 * `disable_parallel_tool_use` (on `auto` when the caller named no choice); `none` has no such flag.
 */
function toAnthropicToolChoice(choice: unknown, parallel: unknown): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  if (choice === 'none' || choice === 'auto') out = { type: choice };
  else if (choice === 'required') out = { type: 'any' };
  else if (
    isRecord(choice) &&
    isRecord(choice['function']) &&
    typeof choice['function']['name'] === 'string'
  ) {
    out = { type: 'tool', name: choice['function']['name'] };
  } else if (choice !== undefined) {
    throw invalid("Invalid value for 'tool_choice'.", 'tool_choice');
  }
  if (parallel === false && out?.['type'] !== 'none')
    out = { ...(out ?? { type: 'auto' }), disable_parallel_tool_use: true };
  return out;
}

const invalid = (message: string, param: string): GatewayError =>
  new GatewayError('invalid_request', message, { param });
