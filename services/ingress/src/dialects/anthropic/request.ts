import { z } from 'zod';
import { GatewayError } from '@switchyard/contracts';
import { parseBody } from './validation.js';

/**
 * Anthropic's Messages request (`POST /v1/messages`), as far as it can be served by any model
 * behind the gateway. `cache_control` and fields not listed here are accepted and ignored (they
 * tune Anthropic's own service); what would change the answer and cannot be translated is refused.
 */

const TextBlock = z.object({ type: z.literal('text'), text: z.string() });

const ImageSource = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('base64'),
    media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
    data: z.string().min(1),
  }),
  z.object({ type: z.literal('url'), url: z.string().min(1) }),
]);
const ImageBlock = z.object({ type: z.literal('image'), source: ImageSource });

const ToolUseBlock = z.object({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
});

const ToolResultBlock = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [TextBlock, ImageBlock]))]).optional(),
  is_error: z.boolean().optional(),
});

// The model's own earlier reasoning, sent back by clients that keep it: no canonical equivalent, dropped.
const ThinkingBlock = z.object({ type: z.literal('thinking'), thinking: z.string() });
const RedactedThinkingBlock = z.object({ type: z.literal('redacted_thinking'), data: z.string() });

const UserBlock = z.discriminatedUnion('type', [TextBlock, ImageBlock, ToolResultBlock]);
const AssistantBlock = z.discriminatedUnion('type', [
  TextBlock,
  ToolUseBlock,
  ThinkingBlock,
  RedactedThinkingBlock,
]);

const Message = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), content: z.union([z.string(), z.array(UserBlock).min(1)]) }),
  z.object({ role: z.literal('assistant'), content: z.union([z.string(), z.array(AssistantBlock)]) }),
  z.object({ role: z.literal('system'), content: z.union([z.string(), z.array(TextBlock)]) }),
]);

const Tool = z.object({
  // Only client tools: Anthropic's server tools (web search, code execution, …) run at Anthropic.
  type: z.literal('custom').nullish(),
  name: z.string().min(1),
  description: z.string().optional(),
  input_schema: z.looseObject({ type: z.literal('object') }),
});

const DisableParallel = z.boolean().optional();
const ToolChoice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), disable_parallel_tool_use: DisableParallel }),
  z.object({ type: z.literal('any'), disable_parallel_tool_use: DisableParallel }),
  z.object({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use: DisableParallel }),
  z.object({ type: z.literal('none') }),
]);

const Probability = z.number().min(0).max(1);

export const AnthropicRequest = z.object({
  model: z.string().min(1),
  max_tokens: z.int().min(1),
  messages: z.array(Message).min(1),
  system: z.union([z.string(), z.array(TextBlock)]).optional(),
  tools: z.array(Tool).optional(),
  tool_choice: ToolChoice.optional(),
  // OpenAI takes at most 4 stop sequences: more would be refused by the upstream anyway.
  stop_sequences: z.array(z.string()).max(4).optional(),
  temperature: Probability.nullish(),
  top_p: Probability.nullish(),
  metadata: z.object({ user_id: z.string().nullish() }).nullish(),
  stream: z.boolean().nullish(),
});
export type AnthropicRequest = z.infer<typeof AnthropicRequest>;
export type AnthropicMessageParam = AnthropicRequest['messages'][number];
export type AnthropicUserBlock = z.infer<typeof UserBlock>;
export type AnthropicAssistantBlock = z.infer<typeof AssistantBlock>;
export type AnthropicImageBlock = z.infer<typeof ImageBlock>;
export type AnthropicToolResultBlock = z.infer<typeof ToolResultBlock>;
export type AnthropicToolChoice = z.infer<typeof ToolChoice>;

/** Parameters that would change the answer and that no canonical (OpenAI) field carries. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  top_k:
    "'top_k' is not supported: the gateway's canonical request has no equivalent, so not every model behind it could honour it. Remove it, or use 'top_p'.",
};

/** Validates an Anthropic Messages body, throwing `invalid_request` that names the first bad field. */
export function parseAnthropicRequest(value: unknown): AnthropicRequest {
  const body = value as Record<string, unknown>;
  for (const [param, message] of Object.entries(UNSUPPORTED)) {
    if (body[param] !== undefined && body[param] !== null) {
      throw new GatewayError('invalid_request', message, { param });
    }
  }
  return parseBody(AnthropicRequest, value);
}
