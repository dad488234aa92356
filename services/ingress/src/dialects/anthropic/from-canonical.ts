import { GatewayError, type ChatCompletion, type FinishReason, type Usage } from '@switchyard/contracts';

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

export interface AnthropicUsage {
  /** Prompt tokens not read from a cache: OpenAI's `prompt_tokens` counts both. */
  input_tokens: number;
  /** OpenAI reports no cache writes. */
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
}

export interface AnthropicTextBlock {
  type: 'text';
  text: string;
}

export interface AnthropicToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
}

export type AnthropicContentBlock = AnthropicTextBlock | AnthropicToolUseBlock;

export interface AnthropicMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicContentBlock[];
  stop_reason: StopReason | null;
  stop_sequence: null;
  usage: AnthropicUsage;
}

/**
 * Finish reasons by lookup. OpenAI's `stop` does not say whether a stop sequence matched, so it is
 * always `end_turn` (and `stop_sequence` is always null).
 */
export const STOP_REASONS: Readonly<Record<FinishReason, StopReason>> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};

/** Some OpenAI-compatible servers finish a tool-calling answer with `stop`; Anthropic clients look for `tool_use`. */
export function toStopReason(finish: FinishReason | null, usedTools: boolean, refused: boolean): StopReason {
  if (refused) return 'refusal';
  const reason = finish === null ? 'end_turn' : STOP_REASONS[finish];
  return reason === 'end_turn' && usedTools ? 'tool_use' : reason;
}

/** `msg_…` from the canonical answer's id, so one answer keeps one id in both dialects' logs. */
export const toMessageId = (openaiId: string): string => `msg_${openaiId.replace(/^chatcmpl-/, '')}`;

export function toAnthropicUsage(usage: Usage | null | undefined): AnthropicUsage {
  const prompt = usage?.prompt_tokens ?? 0;
  const cached = Math.min(usage?.prompt_tokens_details?.cached_tokens ?? 0, prompt);
  return {
    input_tokens: prompt - cached,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
    output_tokens: usage?.completion_tokens ?? 0,
  };
}

/** Tool arguments arrive as JSON text; Anthropic's `input` is the parsed object. */
export function parseToolInput(args: string, name: string): unknown {
  if (args.trim() === '') return {};
  try {
    return JSON.parse(args) as unknown;
  } catch (cause) {
    throw new GatewayError(
      'upstream_error',
      `The model called the tool '${name}' with arguments that are not valid JSON.`,
      { cause },
    );
  }
}

/** A whole canonical (OpenAI) chat completion as an Anthropic message. */
export function fromCanonical(completion: ChatCompletion): AnthropicMessage {
  const choice = completion.choices.find((c) => c.index === 0) ?? completion.choices[0];
  const message = choice?.message;
  const content: AnthropicContentBlock[] = [];
  if (message?.content) content.push({ type: 'text', text: message.content });
  if (message?.refusal) content.push({ type: 'text', text: message.refusal });
  for (const call of message?.tool_calls ?? []) {
    const input = parseToolInput(call.function.arguments, call.function.name);
    content.push({ type: 'tool_use', id: call.id, name: call.function.name, input });
  }
  const usedTools = (message?.tool_calls?.length ?? 0) > 0;
  return {
    id: toMessageId(completion.id),
    type: 'message',
    role: 'assistant',
    model: completion.model,
    content,
    stop_reason: toStopReason(choice?.finish_reason ?? null, usedTools, Boolean(message?.refusal)),
    stop_sequence: null,
    usage: toAnthropicUsage(completion.usage),
  };
}
