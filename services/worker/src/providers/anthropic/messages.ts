import { GatewayError } from '@switchyard/contracts';
import { isRecord } from '../is-record.js';
import { toTextBlocks, toUserBlocks, type AnthropicBlock } from './content-blocks.js';

export interface AnthropicTurn {
  role: 'user' | 'assistant';
  content: AnthropicBlock[];
}

export interface AnthropicConversation {
  /** Every system and developer message, in order; undefined when there is none. */
  system: string | AnthropicBlock[] | undefined;
  messages: AnthropicTurn[];
}

const refuse = (message: string, param: string): GatewayError =>
  new GatewayError('invalid_request', message, { param });

/**
 * OpenAI messages → Anthropic's `system` and alternating turns:
 * - system/developer messages → the top-level `system` (Anthropic has no system turn);
 * - assistant `tool_calls` → `tool_use` blocks; `tool` messages → user `tool_result` blocks;
 * - consecutive turns of one role are merged into one (Anthropic expects alternation), so the
 *   results of parallel tool calls travel together, as the API requires.
 */
export function toAnthropicConversation(messages: unknown): AnthropicConversation {
  if (!Array.isArray(messages)) throw refuse("Missing required parameter: 'messages'.", 'messages');
  const system: AnthropicBlock[] = [];
  const turns: AnthropicTurn[] = [];
  const push = (role: AnthropicTurn['role'], content: AnthropicBlock[]): void => {
    if (content.length === 0) return; // an empty message says nothing, and the API refuses it
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...content);
    else turns.push({ role, content });
  };

  messages.forEach((message: unknown, i) => {
    const at = `messages[${i}]`;
    if (!isRecord(message)) throw refuse(`Invalid value for '${at}'.`, at);
    switch (message['role']) {
      case 'system':
      case 'developer':
        system.push(...toTextBlocks(message['content'], `${at}.content`));
        break;
      case 'user':
        push('user', toUserBlocks(message['content'], `${at}.content`));
        break;
      case 'assistant':
        push('assistant', [
          ...toTextBlocks(message['content'], `${at}.content`),
          ...toToolUseBlocks(message['tool_calls'], at),
        ]);
        break;
      case 'tool':
        push('user', [toToolResultBlock(message, at)]);
        break;
      default:
        throw refuse(
          `Provider anthropic does not accept messages with role '${String(message['role'])}'; use tools and tool messages.`,
          `${at}.role`,
        );
    }
  });
  return { system: toSystem(system), messages: turns };
}

/** One plain system text stays a string, as most callers send it; marked or several blocks stay blocks. */
function toSystem(blocks: AnthropicBlock[]): AnthropicConversation['system'] {
  if (blocks.length === 0) return undefined;
  const [only] = blocks;
  if (blocks.length === 1 && only!['cache_control'] === undefined) return only!['text'] as string;
  return blocks;
}

function toToolUseBlocks(toolCalls: unknown, at: string): AnthropicBlock[] {
  if (toolCalls === undefined || toolCalls === null) return [];
  if (!Array.isArray(toolCalls)) throw refuse(`Invalid value for '${at}.tool_calls'.`, `${at}.tool_calls`);
  return toolCalls.map((call: unknown, j) => {
    const param = `${at}.tool_calls[${j}].function.arguments`;
    const fn = isRecord(call) && isRecord(call['function']) ? call['function'] : {};
    return {
      type: 'tool_use',
      id: isRecord(call) ? call['id'] : undefined,
      name: fn['name'],
      input: parseArguments(fn['arguments'], param),
    };
  });
}

/**
 * Tool-call arguments are a JSON string in OpenAI's format and an object in Anthropic's. A call
 * without arguments ("") is an empty object; anything that is not a JSON object is refused,
 * naming the field, since the API cannot take it and guessing would change the call.
 */
function parseArguments(args: unknown, param: string): Record<string, unknown> {
  if (args === undefined || (typeof args === 'string' && args.trim() === '')) return {};
  let parsed: unknown;
  try {
    parsed = typeof args === 'string' ? JSON.parse(args) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!isRecord(parsed)) {
    throw refuse(`Invalid value for '${param}': tool call arguments must be a JSON object.`, param);
  }
  return parsed;
}

function toToolResultBlock(message: Record<string, unknown>, at: string): AnthropicBlock {
  const id = message['tool_call_id'];
  if (typeof id !== 'string' || id === '') {
    throw refuse(`Missing required parameter: '${at}.tool_call_id'.`, `${at}.tool_call_id`);
  }
  const content = message['content'];
  const block: AnthropicBlock = { type: 'tool_result', tool_use_id: id };
  if (typeof content === 'string') return content === '' ? block : { ...block, content };
  const blocks = toTextBlocks(content, `${at}.content`);
  return blocks.length === 0 ? block : { ...block, content: blocks };
}
