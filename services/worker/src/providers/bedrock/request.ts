import { GatewayError, type ChatMessage } from '@switchyard/contracts';
import type { ProviderCall } from '../types.js';
import { isRecord } from '../is-record.js';
import type { ConverseMessage, ConverseRequest, InferenceConfig, ToolChoice, ToolSpec } from './converse.js';
import { toConverseConversation } from './messages.js';
import { cannotHonour, checkUnsupportedParams } from './params.js';

export interface ConverseRequestOptions {
  /** The provider's `drop_params`: parameters Converse cannot honour are left out, not refused. */
  dropParams: boolean;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

function toInferenceConfig(body: Readonly<Record<string, unknown>>): InferenceConfig | undefined {
  const config: InferenceConfig = {};
  // `max_completion_tokens` replaced `max_tokens` in OpenAI's API; either one sets the cap.
  const maxTokens = num(body['max_completion_tokens']) ?? num(body['max_tokens']);
  if (maxTokens !== undefined) config.maxTokens = maxTokens;
  const temperature = num(body['temperature']);
  if (temperature !== undefined) config.temperature = temperature;
  const topP = num(body['top_p']);
  if (topP !== undefined) config.topP = topP;
  const stop = body['stop'];
  const stopSequences = typeof stop === 'string' ? [stop] : Array.isArray(stop) ? stop.map(String) : [];
  if (stopSequences.length > 0) config.stopSequences = stopSequences;
  return Object.keys(config).length > 0 ? config : undefined;
}

function toToolSpecs(tools: unknown): ToolSpec[] {
  if (!Array.isArray(tools)) return [];
  return tools.flatMap((tool: unknown) => {
    if (!isRecord(tool) || !isRecord(tool['function'])) return [];
    const fn = tool['function'];
    const spec: ToolSpec['toolSpec'] = {
      name: String(fn['name']),
      // Converse requires a schema; OpenAI lets a function without parameters mean "no arguments".
      inputSchema: {
        json: isRecord(fn['parameters']) ? fn['parameters'] : { type: 'object', properties: {} },
      },
    };
    if (typeof fn['description'] === 'string' && fn['description'] !== '')
      spec.description = fn['description'];
    return [{ toolSpec: spec }];
  });
}

function toToolChoice(choice: unknown): ToolChoice | undefined {
  if (choice === 'auto') return { auto: {} };
  if (choice === 'required') return { any: {} };
  if (isRecord(choice) && isRecord(choice['function']))
    return { tool: { name: String(choice['function']['name']) } };
  return undefined;
}

const usesTools = (messages: readonly ConverseMessage[]): boolean =>
  messages.some((m) => m.content.some((block) => 'toolUse' in block || 'toolResult' in block));

/**
 * `tool_choice: "none"` has no Converse equivalent. Without tool history it is honoured exactly by
 * not offering the tools; with it, Converse insists on `toolConfig`, so the tools must be offered
 * and the model could call them: refused, or with `drop_params` sent as if the choice were auto.
 */
function toToolConfig(
  body: Readonly<Record<string, unknown>>,
  messages: readonly ConverseMessage[],
  providerId: string,
  dropParams: boolean,
): ConverseRequest['toolConfig'] {
  const tools = toToolSpecs(body['tools']);
  if (tools.length === 0) return undefined;
  if (body['tool_choice'] === 'none') {
    if (!usesTools(messages)) return undefined;
    if (!dropParams) throw cannotHonour(providerId, 'tool_choice', '"none" once tools were used');
  }
  const toolChoice = toToolChoice(body['tool_choice']);
  return toolChoice ? { tools, toolChoice } : { tools };
}

/** The Converse body for one call (the model goes in the URL path, not the body). */
export function toConverseRequest(call: ProviderCall, options: ConverseRequestOptions): ConverseRequest {
  const { body, providerId } = call;
  checkUnsupportedParams(body, providerId, options.dropParams);
  if (!Array.isArray(body['messages'])) {
    throw new GatewayError('invalid_request', "Missing required parameter: 'messages'.", {
      param: 'messages',
    });
  }
  const { system, messages } = toConverseConversation(body['messages'] as ChatMessage[]);
  const request: ConverseRequest = { messages };
  if (system.length > 0) request.system = system;
  const inferenceConfig = toInferenceConfig(body);
  if (inferenceConfig) request.inferenceConfig = inferenceConfig;
  const toolConfig = toToolConfig(body, messages, providerId, options.dropParams);
  if (toolConfig) request.toolConfig = toolConfig;
  // OpenAI's `metadata` tags a request for later lookup; Bedrock's invocation logs take the same.
  const metadata = body['metadata'];
  if (isRecord(metadata) && Object.keys(metadata).length > 0) {
    request.requestMetadata = Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, String(v)]));
  }
  return request;
}
